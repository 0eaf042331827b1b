"""Driving the web app in headless Chromium (Debian's chromium and chromium-driver, via selenium): shared by the
browser tests and the gateway tests."""
import shutil
import struct
import threading
import time
import zlib

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def browser(width=1280, height=900, arguments=()):
    """A headless Chromium; `arguments` adds command-line switches (such as a fake camera's, see fake_camera)."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={width},{height}", *arguments):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_script_timeout(20)
    return driver


def wait(driver, condition, seconds=10):
    """Polls until the condition holds; an element replaced by a live update between two calls is just polled again."""
    return WebDriverWait(driver, seconds, poll_frequency=0.05, ignored_exceptions=[StaleElementReferenceException]).until(lambda d: condition(d))


def find(driver, test_id):
    return driver.find_element(By.CSS_SELECTOR, f"[data-testid='{test_id}']")


def sign_in(driver, base, name=None):
    """Continues as a guest (the header's button), or with a name signs up as `name`@example.test."""
    driver.get(base + "/#/")
    if name is None:
        wait(driver, lambda d: find(d, "continue-as-guest")).click()
        wait(driver, lambda d: find(d, "customer-name").text == "Guest")
        return
    wait(driver, lambda d: d.find_element(By.ID, "email-input")).send_keys(f"{name}@example.test")
    driver.find_element(By.ID, "password-input").send_keys("a long password")
    find(driver, "sign-up").click()
    wait(driver, lambda d: find(d, "customer-name").text == f"{name}@example.test")


def token_of(driver):
    """The access token the page signed in with."""
    return driver.execute_script("return JSON.parse(localStorage.getItem('boxoffice.session') || 'null')?.accessToken")


def open_wallet_with(driver, base, amount):
    driver.get(base + "/#/wallet")
    wait(driver, lambda d: find(d, "create-wallet")).click()
    amount_field = wait(driver, lambda d: find(d, "top-up-amount"))
    amount_field.clear()
    amount_field.send_keys(str(amount))
    find(driver, "top-up").click()
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-testid='ledger'] tr td.num")) >= 1 and str(amount) in find(d, "balance").text)


def open_event(driver, base, event_id):
    driver.get(f"{base}/#/events/{event_id}")
    wait(driver, lambda d: d.execute_script("return !!document.querySelector('canvas.seatmap')?.seatMapView?.model"))


def seat_index(driver, seat_id):
    return driver.execute_script("return document.querySelector('canvas.seatmap').seatMapView.model.indexOf(arguments[0])", seat_id)


def seat_status(driver, seat_id):
    return driver.execute_script(
        "const v = document.querySelector('canvas.seatmap').seatMapView; return v.model.status[v.model.indexOf(arguments[0])]", seat_id)


def click_seat(driver, seat_id):
    """Clicks a seat where the canvas draws it, as a mouse user would."""
    canvas = driver.find_element(By.CSS_SELECTOR, "canvas.seatmap")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    point = driver.execute_script(
        "const v = arguments[0].seatMapView; return v.pointOf(v.model.indexOf(arguments[1]))", canvas, seat_id)
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(point["x"]), int(point["y"])).click()
    actions.perform()


def selected_seats(driver):
    return [int(item.get_attribute("data-seat-id")) for item in driver.find_elements(By.CSS_SELECTOR, "[data-testid='selection'] li")]


def console_errors(driver):
    """Script errors; failed requests are left out, since 404 and 409 are answers the app expects."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE" and entry.get("source") != "network"]


def hold_seen_after_ms(holder, watcher, seat):
    """Both browsers select `seat`; `holder` holds it. Returns the milliseconds from the Hold click until `watcher`'s
    seat map shows the seat taken (10**12 when it never does within 20 s)."""
    click_seat(watcher, seat)
    wait(watcher, lambda d: selected_seats(d) == [seat])
    click_seat(holder, seat)
    wait(holder, lambda d: selected_seats(d) == [seat])
    index = seat_index(watcher, seat)
    seen = {}

    def watch():
        seen["at"] = watcher.execute_async_script("""
            const done = arguments[arguments.length - 1];
            const view = document.querySelector('canvas.seatmap').seatMapView;
            const timer = setInterval(() => { if (view.model.status[arguments[0]] !== 0) { clearInterval(timer); done(Date.now()); } }, 2);
        """, index)

    thread = threading.Thread(target=watch)
    thread.start()
    time.sleep(0.3)
    clicked = holder.execute_script("const t = Date.now(); document.querySelector(\"[data-testid='hold']\").click(); return t;")
    thread.join(20)
    return seen.get("at", 10**12) - clicked


def png_grey(data):
    """A PNG's pixels as (width, height, rows of 0-255 grey values): 8-bit (or less) greyscale or palette, or 8-bit
    RGB(A) averaged, every filter type, no interlacing; what the server's qr.png is (plain zlib, no other library)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    position, idat, palette = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = [sum(body[i:i + 3]) // 3 for i in range(0, len(body), 3)]
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    if interlace or colour not in (0, 2, 3, 4, 6) or (colour in (2, 4, 6) and depth != 8):
        raise ValueError(f"unsupported PNG: colour type {colour}, depth {depth}, interlace {interlace}")
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    stride = (width * channels * depth + 7) // 8
    step = max(1, channels * depth // 8)
    raw = zlib.decompress(idat)
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - step] if i >= step else 0
            up = previous[i]
            corner = previous[i - step] if i >= step else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                guess = left + up - corner
                nearest = min((abs(guess - left), 0, left), (abs(guess - up), 1, up), (abs(guess - corner), 2, corner))[2]
                line[i] = (line[i] + nearest) & 255
        previous = line
        if depth < 8:
            values = [(line[x * depth // 8] >> (8 - depth - (x * depth) % 8)) & ((1 << depth) - 1) for x in range(width)]
            if colour == 0:
                values = [v * 255 // ((1 << depth) - 1) for v in values]
        elif colour in (2, 6):
            values = [sum(line[x * channels:x * channels + 3]) // 3 for x in range(width)]
        else:
            values = [line[x * channels] for x in range(width)]
        if colour == 3:
            values = [palette[v] for v in values]
        rows.append(values)
    return width, height, rows


def write_y4m(path, png, width=640, height=480, frames=6, fill=0.85):
    """A video of a still image for Chromium's fake camera (--use-file-for-fake-video-capture): the PNG scaled (nearest
    pixel) to `fill` of the frame's height, centred on white, as YUV 4:2:0 (C420jpeg) frames, grey (U = V = 128)."""
    side_w, side_h, rows = png_grey(png)
    target = int(min(width, height) * fill)
    left, top = (width - target) // 2, (height - target) // 2
    luma = bytearray(b"\xff" * (width * height))
    for y in range(target):
        source = rows[y * side_h // target]
        offset = (top + y) * width + left
        luma[offset:offset + target] = bytes(source[x * side_w // target] for x in range(target))
    chroma = b"\x80" * ((width // 2) * (height // 2) * 2)
    with open(path, "wb") as file:
        file.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            file.write(b"FRAME\n")
            file.write(luma)
            file.write(chroma)


def fake_camera(video_path):
    """Chromium switches for a camera that films `video_path` (a .y4m), allowed without asking."""
    return ("--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video_path}", "--use-fake-ui-for-media-stream")
