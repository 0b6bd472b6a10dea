#!/bin/sh
# Install Debian's headless Chromium and CJK fonts for tests/test_browser.py (called by .ci/run).
# Only as root and only when Chromium is absent; elsewhere the browser test skips with a reason.
set -eu
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    echo "install-chromium: $(command -v chromium || command -v chromium-browser) already installed"
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "install-chromium: not root; skipping (tests/test_browser.py will skip without Chromium)"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-chromium: no apt-get; skipping (tests/test_browser.py will skip without Chromium)"
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# fonts-noto-cjk: Chinese text in the pages renders as characters in screenshots
apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
echo "install-chromium: installed $(chromium --version 2>/dev/null || echo chromium)"
