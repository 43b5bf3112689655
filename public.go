package zhili

import (
	"context"
	"time"
)

// PublicReport is what a resident sends from the public page (群众网上反映): a problem
// or a need, where it is, and optionally a phone to be called back on. It becomes a
// case with source SourcePublic.
type PublicReport struct {
	Kind     CaseKind `json:"kind"`
	Category string   `json:"category"`
	Title    string   `json:"title"`
	Detail   string   `json:"detail"`
	// RegionCode is the village or community chosen on the form; a GPS point (WGS-84)
	// inside a grid takes precedence.
	RegionCode string   `json:"region_code"`
	Lat        *float64 `json:"lat,omitempty"`
	Lng        *float64 `json:"lng,omitempty"`
	Address    string   `json:"address"`
	// Contact is an optional mobile phone; kept encrypted, shown masked.
	Contact string `json:"contact"`
	// Photo is an optional picture of the problem.
	PhotoName, PhotoType string
	Photo                []byte `json:"-"`
}

// PublicStep is one step of a case as the public sees it: what happened and when,
// never who or any note.
type PublicStep struct {
	Label string    `json:"label"`
	At    time.Time `json:"at"`
}

// PublicStatus is what the tracking code shows: the case's place in the workflow in
// plain words, and whether it may be rated. It holds nothing about any person.
type PublicStatus struct {
	No         string   `json:"no"`
	Kind       CaseKind `json:"kind"`
	Title      string   `json:"title"`
	RegionName string   `json:"region_name"`
	Stage      string   `json:"stage"` // 已受理, 办理中, 已办结, 未受理…
	// Closed is true once nothing more will be done: resolved, rejected or merged.
	Closed       bool         `json:"closed"`
	ReportedAt   time.Time    `json:"reported_at"`
	Steps        []PublicStep `json:"steps"`
	CanRate      bool         `json:"can_rate"`
	Satisfaction int          `json:"satisfaction,omitempty"` // the resident's own rating, 1–5
	RatedAt      *time.Time   `json:"rated_at,omitempty"`
}

// PublicService is the public page's side of the store. Its callers are anonymous:
// it acts as the system within narrow limits and never reveals another person's data.
type PublicService interface {
	// PublicPlaces lists the townships, villages and communities a resident may
	// choose from, with their codes and names only.
	PublicPlaces(ctx context.Context) ([]*Region, error)
	// PublicCategories lists the case categories a resident may choose from.
	PublicCategories(ctx context.Context) ([]Category, error)
	// SubmitPublic enters the report as a case and returns its tracking code, shown
	// once (the store keeps only its hash). EINVALID names each bad field.
	SubmitPublic(ctx context.Context, r *PublicReport) (code string, no string, err error)
	// TrackPublic returns the status for a tracking code; ENOTFOUND for an unknown code.
	TrackPublic(ctx context.Context, code string) (*PublicStatus, error)
	// RatePublic records the resident's satisfaction (1–5) once the case is resolved;
	// ECONFLICT if it is not resolved yet or was already rated.
	RatePublic(ctx context.Context, code string, satisfaction int, note string) (*PublicStatus, error)
}
