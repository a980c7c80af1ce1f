"""Screenshot pages of the app in headless Chromium, to look at them as a user would.

    python -m tools.screenshot http://localhost:8501/ out.png [--width 1440] [--height 900] [--full]
"""

from __future__ import annotations

import argparse

from playwright.sync_api import sync_playwright

from tools.browser import launch, wait_for_app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("out")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--full", action="store_true", help="the whole page, not just the viewport")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        page.goto(args.url)
        wait_for_app(page)
        if args.full:
            # Charts render only when in view: grow the viewport to the page, then wait again.
            height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
            page.set_viewport_size({"width": args.width, "height": max(args.height, height)})
            wait_for_app(page)
            page.wait_for_timeout(1000)
        page.screenshot(path=args.out, full_page=args.full)
        browser.close()


if __name__ == "__main__":
    main()
