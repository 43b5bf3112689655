package sqlstore

import (
	"fmt"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/zhili-project/zhili"
)

// attachmentExt is the extension a stored name gets for each allowed type, so a
// downloaded file opens as what it is and never as, say, an HTML page.
var attachmentExt = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}

// typeAliases maps declared types that browsers and phones send to the canonical one.
var typeAliases = map[string]string{"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "application/x-pdf": "application/pdf"}

// checkAttachment validates a file: not empty, not too large, of an allowed type as
// sniffed from its first bytes, agreeing with the type the client declared (an
// undeclared or generic type takes the sniffed one); the name is made safe.
func checkAttachment(name, declared string, data []byte) (*zhili.Attachment, error) {
	if len(data) == 0 {
		return nil, zhili.Invalid("The file is empty.", zhili.FieldError{Field: "file", Code: "required", Reason: "a non-empty file is required"})
	}
	if len(data) > zhili.MaxAttachmentSize {
		return nil, zhili.Invalid("The file is too large.", zhili.FieldError{Field: "file", Code: "too_large",
			Reason: fmt.Sprintf("the file has %d bytes; at most %d are allowed", len(data), zhili.MaxAttachmentSize)})
	}
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	if !slices.Contains(zhili.AttachmentTypes, sniffed) {
		return nil, zhili.Invalid("This kind of file cannot be attached.", zhili.FieldError{Field: "file", Code: "unsupported_type",
			Reason: "the file is " + sniffed + "; allowed are " + strings.Join(zhili.AttachmentTypes, ", ")})
	}
	if declared = strings.TrimSpace(declared); declared != "" {
		mt, _, err := mime.ParseMediaType(declared)
		if alias, ok := typeAliases[mt]; ok {
			mt = alias
		}
		if err != nil || (mt != sniffed && mt != "application/octet-stream") {
			return nil, zhili.Invalid("The file is not what its type says.", zhili.FieldError{Field: "content_type", Code: "mismatch",
				Reason: fmt.Sprintf("declared %q but the content is %s", declared, sniffed)})
		}
	}
	return &zhili.Attachment{Name: attachmentName(name, sniffed), ContentType: sniffed, Size: int64(len(data))}, nil
}

// attachmentName makes a client's file name safe to store and to send back in a
// Content-Disposition header: the last path element only, no control or quoting
// characters, at most 100 characters, and the extension of the sniffed type.
func attachmentName(name, contentType string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base(strings.ToValidUTF8(name, ""))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`"<>:|?*/;`, r) || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, name)
	ext := attachmentExt[contentType]
	stem := strings.Trim(strings.TrimSpace(name), ". ")
	if e := path.Ext(stem); strings.EqualFold(e, ext) || (ext == ".jpg" && strings.EqualFold(e, ".jpeg")) {
		stem = strings.TrimSuffix(stem, e)
	}
	stem = strings.Trim(stem, ". ")
	if utf8.RuneCountInString(stem) > 100 {
		stem = string([]rune(stem)[:100])
	}
	if stem == "" {
		stem = "附件"
	}
	return stem + ext
}
