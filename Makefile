# zhili — the two commands: `make run` and `make test`.
GO      ?= go
NPM     ?= npm
VENDOR  := http/static/vendor
ASSETS  := $(VENDOR)/htmx.min.js $(VENDOR)/echarts.min.js $(VENDOR)/leaflet.js $(VENDOR)/leaflet.css
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)

.PHONY: run build test test-race vet bench assets clean browser

## run: build everything and start zhili on ./zhili.db with the demo county
run: build
	./bin/zhili serve --demo

## build: the single binary, front-end packages embedded
build: assets
	$(GO) build -ldflags "-X main.Version=$(VERSION)" -o bin/zhili ./cmd/zhili

## test: vet and every test; PostgreSQL too when ZHILI_TEST_POSTGRES is set (.ci/run sets it)
test: assets vet browser
	$(GO) test -count=1 ./...

test-race: assets
	$(GO) test -race -count=1 ./...

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1)

## bench: the benchmarks whose figures are recorded in docs/benchmarks.md
bench:
	$(GO) test ./geo/ -run '^$$' -bench Locate -benchtime=1000000x
	$(GO) test ./bench/indicators/ -run '^$$' -bench Indicators -benchtime=10x -v

## browser: install Debian's chromium and a CJK font for the browser tests (e2e/), and
## LibreOffice for the report conversion test (report/), when missing
browser:
	@bash scripts/ensure-browser
	@bash scripts/ensure-libreoffice

## assets: fetch the front-end packages from npm and copy their built files
assets: $(ASSETS)

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && $(NPM) ci --no-audit --no-fund
	@touch $@

$(VENDOR)/htmx.min.js: web/node_modules/.package-lock.json
	cp web/node_modules/htmx.org/dist/htmx.min.js $@
$(VENDOR)/echarts.min.js: web/node_modules/.package-lock.json
	cp web/node_modules/echarts/dist/echarts.min.js $@
$(VENDOR)/leaflet.js: web/node_modules/.package-lock.json
	cp web/node_modules/leaflet/dist/leaflet.js $@
$(VENDOR)/leaflet.css: web/node_modules/.package-lock.json
	cp web/node_modules/leaflet/dist/leaflet.css $@
	mkdir -p $(VENDOR)/images && cp web/node_modules/leaflet/dist/images/* $(VENDOR)/images/

clean:
	rm -rf bin web/node_modules $(VENDOR)/*.js $(VENDOR)/*.css $(VENDOR)/images
