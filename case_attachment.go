package zhili

import (
	"context"
	"time"
)

// MaxAttachmentSize bounds one attachment: a phone photo or a scanned agreement.
const MaxAttachmentSize = 10 << 20

// MaxAttachments bounds the attachments of one case, so a case page stays usable
// and one case cannot fill the database.
const MaxAttachments = 50

// AttachmentTypes are the content types a case may carry: photos from phones and
// scanned documents (调解协议书). Anything else is refused, so nothing a browser
// would run is ever stored.
var AttachmentTypes = []string{"image/jpeg", "image/png", "image/webp", "application/pdf"}

// Attachment is a file on a case: a photo of the scene, a signed agreement.
type Attachment struct {
	ID          int64  `json:"id"`
	CaseID      int64  `json:"case_id"`
	Name        string `json:"name"`         // sanitised; its extension matches ContentType
	ContentType string `json:"content_type"` // one of AttachmentTypes, as sniffed
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"` // hex, for integrity checks and duplicates
	UploadedBy  int64  `json:"uploaded_by,omitempty"`
	// UploaderName is the uploader's username, for display.
	UploaderName string    `json:"uploader_name,omitempty"`
	At           time.Time `json:"at"`
	// Data is the content; set only by CaseAttachmentService.Attachment.
	Data []byte `json:"-"`
}

// CaseAttachmentService keeps the files of cases. Every method first finds the case
// in the caller's scope: ENOTFOUND outside it, as for a case that does not exist.
type CaseAttachmentService interface {
	// AddAttachment stores a file on a case. The caller must be allowed to act on
	// the case (EFORBIDDEN), the case must not be finished (ECONFLICT), and the
	// file must be one of AttachmentTypes, agree with its declared type and be at
	// most MaxAttachmentSize (EINVALID naming "file" or "content_type"). Audited.
	AddAttachment(ctx context.Context, caseID int64, name, contentType string, data []byte) (*Attachment, error)
	// Attachments lists a case's attachments without their data, oldest first.
	Attachments(ctx context.Context, caseID int64) ([]*Attachment, error)
	// Attachment returns one attachment with its data; ENOTFOUND when it is not
	// the case's.
	Attachment(ctx context.Context, caseID, attID int64) (*Attachment, error)
}
