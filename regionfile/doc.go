// Package regionfile parses region import files — the CSV tables of 统计用区划代码
// that counties keep, or a generic table with explicit levels and kinds — into
// zhili.RegionRow values. It reads only the file: it touches no database.
//
// # Formats
//
// Parse detects the format from the header row, whose columns may come in any order
// and be written as identifiers or Chinese aliases; unknown columns are ignored.
//
//   - The official form has the columns code, name and parent code (代码, 名称,
//     上级代码), as in the National Bureau of Statistics tables and the streets.csv
//     and villages.csv of the china-division package (where the parent column is
//     streetCode or areaCode). Level and kind are inferred from the code and name.
//   - The generic form adds level and kind columns (层级, 类型), and either form may
//     carry a county_seat column (县城) of true/false, 1/0 or 是/否.
//
// # Codes
//
// Codes are normalised by NormalizeCode: a 6-digit county becomes 12 digits
// (410102 → 410102000000), a 9-digit township is padded to 12, 12-digit codes are
// kept and a 15-digit code is a grid under a 12-digit village. Parent codes are
// normalised the same way and must be the code's own prefix one level up.
//
// # Encodings
//
// Files may be UTF-8 with or without a byte-order mark, UTF-16 with a byte-order
// mark, or GB18030 (and so GBK and GB2312, as Excel writes them on Chinese Windows).
// Bytes that are valid UTF-8 are read as UTF-8; anything else is read as GB18030.
//
// # Errors and the store's contract
//
// Parsing is all or nothing: Parse checks every row and returns one zhili.Invalid
// error listing every bad row, each zhili.FieldError naming the file's row number
// (the header is row 1), the column as written in the header, the field and a
// machine code (required, malformed, duplicate, unknown_level, unknown_kind,
// level_mismatch, kind_mismatch, bad_parent).
//
// Parse does not check that a row's parent exists: the parent may be another row of
// the file or a region already in the database. The store that imports the rows
// must resolve each ParentCode against both and report a parent found in neither as
// a bad row, using the RegionRow's Line as the FieldError's Row.
package regionfile
