extension QRCode {
    /// The symbol as an SVG image: one path of unit squares, dark on white, with a quiet zone of `border` modules
    /// (the standard asks for 4), scaled by the viewer.
    public func svg(border: Int = 4) -> String {
        let side = size + border * 2
        var path = ""
        for y in 0 ..< size {
            for x in 0 ..< size where self[x, y] { path += "M\(x + border),\(y + border)h1v1h-1z" }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges">\
            <rect width="100%" height="100%" fill="#fff"/><path d="\(path)" fill="#000"/></svg>
            """
    }
}
