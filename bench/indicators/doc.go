// Package indicators measures the indicator engine on a synthetic city: every
// indicator of the catalogue for the whole city and for one township over a
// year, from the in-process column cache, beside the same indicators by their
// raw SQL definitions and beside one plain SQL GROUP BY per source, in the same
// run on the same database. It holds only a benchmark (nothing runs without
// -bench):
//
//	go test ./bench/indicators -run '^$' -bench Indicators -benchtime 20x
//
// The size comes from the environment: ZHILI_BENCH_CASES (default 100000),
// ZHILI_BENCH_LEDGER (default 20000); ZHILI_BENCH_SQLITE=FILE keeps the SQLite
// database in FILE and reuses it when it already holds the data (generating
// 10 million cases takes minutes); ZHILI_BENCH_CHECK=0 skips the check that the
// cache equals the raw SQL (for a second run on a kept database). The bulletin
// sub-benchmarks render the monthly bulletin (月督查通报) for June 2025 for the
// city and a township, beside the plain SQL count of the month's cases:
//
//	go test ./bench/indicators -run '^$' -bench 'Indicators/sqlite/bulletin' -benchtime 5x
//
// PostgreSQL runs too when ZHILI_TEST_POSTGRES is set, in a fresh schema, or in
// the kept database whose URL ZHILI_BENCH_POSTGRES holds (reused like the SQLite
// file). docs/indicators.md and docs/reports.md record the figures.
package indicators
