package regionfile

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/zhili-project/zhili"
)

// maxFileSize bounds what Parse reads: the national village table is under 40 MiB.
const maxFileSize = 64 << 20

// notText is the message for bytes that are neither UTF-8 nor GB18030 text.
const notText = "file is not UTF-8 or GB18030 text"

// readText reads a whole region file and decodes it to a Go string.
func readText(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return "", fmt.Errorf("regionfile: read: %w", err)
	}
	if len(b) > maxFileSize {
		return "", zhili.Invalid(fmt.Sprintf("region file is larger than %d MiB", maxFileSize>>20))
	}
	return decode(b)
}

// decode turns the file's bytes into text: UTF-8 (a BOM is dropped), UTF-16 with a
// BOM, or else GB18030. Text with NUL or other control characters is refused.
func decode(b []byte) (string, error) {
	var s string
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		if b = b[3:]; !utf8.Valid(b) {
			return "", zhili.Invalid(notText)
		}
		s = string(b)
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		var err error
		if s, err = decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), b); err != nil {
			return "", err
		}
	case utf8.Valid(b):
		s = string(b)
	default:
		var err error
		if s, err = decodeWith(simplifiedchinese.GB18030, b); err != nil {
			return "", err
		}
	}
	if !isText(s) {
		return "", zhili.Invalid(notText)
	}
	return s, nil
}

// decodeWith decodes b with enc, refusing bytes the encoding cannot map.
func decodeWith(enc encoding.Encoding, b []byte) (string, error) {
	d, err := enc.NewDecoder().Bytes(b)
	if err != nil || bytes.ContainsRune(d, utf8.RuneError) {
		return "", zhili.Invalid(notText)
	}
	return strings.TrimPrefix(string(d), "\uFEFF"), nil
}

// isText reports whether s has no control characters other than tab, CR and LF.
func isText(s string) bool {
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7F {
			return false
		}
	}
	return true
}
