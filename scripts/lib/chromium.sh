# Installs what the browser tests need when it is missing: Chromium and its WebDriver from Debian's
# packages, and selenium from PyPI. Source it, then call chromium_install.

chromium_install() {
    if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
        echo "installing chromium and chromium-driver for the browser tests" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    fi
    if ! python3 -c "import selenium" >/dev/null 2>&1; then
        echo "installing selenium for the browser tests" >&2
        python3 -m pip install --quiet --disable-pip-version-check selenium
    fi
}
