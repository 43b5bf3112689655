// Package intake measures case intake: cases reported through the real HTTP API
// per second, on SQLite and on PostgreSQL, with every acknowledged case checked
// to be in the database afterwards. It holds only a benchmark:
//
//	go test ./bench/intake -run '^$' -bench Intake -benchtime 20000x
//
// docs/benchmarks.md records the figures and the machine.
package intake
