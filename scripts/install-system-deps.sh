#!/usr/bin/env bash
# Debian packages the tests and PDFs need: Chromium (browser tests), an embedded-able CJK
# TrueType font (PDFs), poppler-utils and zbar-tools (PDF checks: text, fonts, barcodes) and
# gettext (translations).
set -euo pipefail
needed=()
[ -x /usr/bin/chromium ] || needed+=(chromium)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || needed+=(fonts-wqy-microhei)
command -v pdffonts >/dev/null || needed+=(poppler-utils)
command -v zbarimg >/dev/null || needed+=(zbar-tools)
command -v msgfmt >/dev/null || needed+=(gettext)
[ ${#needed[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "Missing Debian packages: ${needed[*]} (install them as root)." >&2; exit 1
fi
echo "Installing Debian packages: ${needed[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
