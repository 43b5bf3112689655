// Package geo maps GPS fixes to grids (网格): it parses grid boundaries from
// GeoJSON, builds an in-memory point-to-grid Index and converts between the
// coordinate systems phones report in.
//
// # Which grid owns a boundary point
//
// Grids tile a county, so neighbours share edges and vertices, and a fix can
// land exactly on one. Every grid is treated as a closed set (its boundary,
// hole boundaries included, belongs to it), and when more than one grid
// contains a point the one with the lowest ID wins; equal IDs fall back to the
// earlier shape passed to NewIndex. A point on a shared edge or vertex
// therefore belongs to exactly one grid, the same one on every run and every
// machine, and overlapping data (two grids claiming the same land) resolves
// the same way. A point in a hole is not in the grid with the hole, only in a
// grid that fills it, if any.
//
// "Exactly on" is decided exactly: the orientation test behind every
// point-in-polygon check is Shewchuk's filtered predicate with a big.Rat
// fallback, so rounding never makes a point on a shared edge fall into a gap
// between the two grids or into both. (Borders digitised twice, once per
// grid, leave real slivers; a point there is in no grid or in two, and the
// rule still picks at most one.) Contains is the reference implementation of
// the rule; Index gives the same answer for every point by construction, and
// the tests check it against a linear scan.
//
// # Coordinate systems
//
// Boundaries, the Index and everything stored are WGS84 (EPSG:4326, what GPS
// and GeoJSON use), as [longitude, latitude]. Phones using a Chinese map SDK
// (AMap, Tencent) report GCJ-02, which is WGS84 shifted by a few hundred
// metres by a published obfuscation; clients must say which system a fix is
// in, and the server calls ToWGS84 before Locate. GCJ02ToWGS84 inverts the
// shift by iteration to about 1e-9 degrees, so converted fixes are as good as
// the GPS. Both conversions are the identity outside the customary rough
// China bounding box, as the SDKs do. Baidu's BD-09 is not supported.
//
// # Index layout
//
// NewIndex lays a uniform bucket grid of about 64 cells per polygon over the
// bounds of all grids. A cell that lies wholly inside one grid stores that
// grid, and a lookup there costs one array load; on the synthetic county
// about three lookups in four end so. Other cells list, in tie-rule order, the polygons whose boundary
// touches the cell, ending at the first polygon that covers the whole cell;
// lookups walk those polygons' rings after a bounding-box check. Polygon
// records are stored contiguously in Z-order, so neighbours share cache
// lines. See docs/benchmarks-geo.md for speed and memory.
package geo
