// Package cockpit measures the cockpit's panels (docs/cockpit.md) on the demo
// county, beside one page of the case list in the same run. It holds only a
// benchmark (nothing runs without -bench):
//
//	go test ./bench/cockpit -run '^$' -bench Cockpit -benchtime 10x
//
// PostgreSQL runs too when ZHILI_TEST_POSTGRES is set.
package cockpit
