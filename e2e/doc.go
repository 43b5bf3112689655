// Package e2e holds zhili's browser tests: the real HTTP server, started in the
// test process on a temporary database with the fixture county 青山县, driven
// through headless Chromium with chromedp. The tests sign in as the different
// roles, report a case from a phone-sized screen with a photo and GPS, move it
// through the township and the mediator, check that another township can
// neither open nor list it, and open every page of every role's menu with no
// error in the browser console. Screenshots go to shots/ at the repository root
// (or $ZHILI_SHOTS).
//
// The tests skip when no Chromium is installed, unless ZHILI_REQUIRE_BROWSER is
// set (CI sets it, and `make test` installs Debian's chromium first). See
// docs/browser-tests.md.
package e2e
