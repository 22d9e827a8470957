package kpi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/web"
)

// maxPreviewRows bounds the rows each table of the preview lists; the
// counts are always complete.
const maxPreviewRows = 500

type uploadPageData struct {
	Service *catalog.Service
	Upload  upload
	// DeleteChannels are the channels whose figures the delete form offers.
	DeleteChannels []Channel
	Currency       string
	Channels       string
	Data           string // what was pasted, shown again after a problem
	Problems       []Problem
	Truncated      bool
}

// Title is the page's heading.
func (d *uploadPageData) Title() string { return "Upload " + d.Upload.What }

// uploadPage shows the form to upload a CSV file or paste figures.
func (h *Handler) uploadPage(u upload) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		s, err := h.writable(r)
		if err != nil {
			return err
		}
		d, err := h.uploadData(r, s, u)
		if err != nil {
			return err
		}
		return h.pages.Render(w, r, http.StatusOK, "kpi/upload", d, nil)
	}
}

func (h *Handler) uploadData(r *http.Request, s *catalog.Service, u upload) (*uploadPageData, error) {
	settings, err := h.kpi.Settings(r.Context(), s.ID)
	if err != nil {
		return nil, err
	}
	d := &uploadPageData{Service: s, Upload: u, Currency: settings.Currency, Channels: channelList(u.Path == "costs")}
	d.DeleteChannels = Channels[:]
	if u.Path == costsUpload.Path {
		d.DeleteChannels = append([]Channel{AllChannels}, Channels[:]...)
	}
	return d, nil
}

// readUpload is the uploaded file, or else the pasted text. pasted says
// which, so that a file is not echoed into the text box.
func readUpload(r *http.Request) (body []byte, pasted bool, err error) {
	if f, hdr, ferr := r.FormFile("file"); ferr == nil {
		defer f.Close()
		if hdr.Size > 0 {
			b, err := io.ReadAll(io.LimitReader(f, MaxUploadBytes+1))
			if err != nil {
				return nil, false, fmt.Errorf("read uploaded file: %w", err)
			}
			if len(b) > MaxUploadBytes {
				return nil, false, &web.Error{Status: http.StatusRequestEntityTooLarge, Message: "The file is too large: send it in parts."}
			}
			return b, false, nil
		}
	}
	return []byte(r.PostFormValue("data")), true, nil
}

// uploadProblem shows the upload form again with what is wrong.
func (h *Handler) uploadProblem(w http.ResponseWriter, r *http.Request, s *catalog.Service, u upload, body []byte, pasted bool, err error) error {
	d, derr := h.uploadData(r, s, u)
	if derr != nil {
		return derr
	}
	if pasted {
		d.Data = web.CleanText(string(body), MaxUploadBytes)
	}
	var ue *UploadError
	if !errors.As(err, &ue) {
		return err
	}
	d.Problems, d.Truncated = ue.Problems, ue.Truncated
	return h.pages.Render(w, r, http.StatusBadRequest, "kpi/upload", d, FormErrors{{Field: "problems", Message: ue.Error()}})
}

type previewPageData struct {
	Service   *catalog.Service
	Upload    upload
	Data      string
	Headers   []string
	Added     [][]string
	Replaced  [][]string // each cell "old → new" where it changes
	Unchanged int
	Counts    map[string]int
}

// More says how many rows of a table the preview leaves out.
func (d *previewPageData) More(kind string) int {
	shown := len(d.Added)
	if kind == "replaced" {
		shown = len(d.Replaced)
	}
	return d.Counts[kind] - shown
}

// previewUpload checks an upload without saving it and shows what it
// would change, with the Save button that sends it again.
func (h *Handler) previewUpload(u upload) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		audit.NotAChange(r.Context())
		s, err := h.writable(r)
		if err != nil {
			return err
		}
		body, pasted, err := readUpload(r)
		if err != nil {
			return err
		}
		if len(strings.TrimSpace(string(body))) == 0 {
			d, err := h.uploadData(r, s, u)
			if err != nil {
				return err
			}
			return h.pages.Render(w, r, http.StatusBadRequest, "kpi/upload", d,
				FormErrors{{Field: "file", Message: "Choose a CSV file, or paste the " + u.What + " in the box"}})
		}
		change, err := u.apply(h, r, s, body, FormatAny, true)
		if err != nil {
			return h.uploadProblem(w, r, s, u, body, pasted, err)
		}
		d := previewPageData{Service: s, Upload: u, Data: string(body), Headers: u.Headers, Unchanged: change.unchanged, Counts: change.counts}
		d.Added = change.added[:min(len(change.added), maxPreviewRows)]
		for _, rp := range change.replaced[:min(len(change.replaced), maxPreviewRows)] {
			row := make([]string, len(rp[0]))
			for i := range row {
				row[i] = rp[1][i]
				if rp[0][i] != rp[1][i] {
					row[i] = rp[0][i] + " → " + rp[1][i]
				}
			}
			d.Replaced = append(d.Replaced, row)
		}
		return h.pages.Render(w, r, http.StatusOK, "kpi/preview", &d, nil)
	}
}

// saveUpload saves an upload (normally sent again from the preview) and
// goes back to the KPI page.
func (h *Handler) saveUpload(u upload) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		s, err := h.writable(r)
		if err != nil {
			return err
		}
		body, pasted, err := readUpload(r)
		if err != nil {
			return err
		}
		change, err := u.apply(h, r, s, body, FormatAny, false)
		if err != nil {
			return h.uploadProblem(w, r, s, u, body, pasted, err)
		}
		c := change.counts
		web.SetFlash(w, r, fmt.Sprintf("The %s are saved: %d added, %d replaced, %d unchanged.", u.What, c["added"], c["replaced"], c["unchanged"]))
		return web.Redirect(w, r, "/services/"+s.Slug+"/kpis")
	}
}
