package feedback

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// publicBody is a public submission as JSON. Useful may be "yes", "no",
// true or false; rating a number or a numeric string.
type publicBody struct {
	Domain  string `json:"domain"`
	URL     string `json:"url"`
	Kind    string `json:"kind"`
	Useful  any    `json:"useful"`
	Rating  any    `json:"rating"`
	Comment string `json:"comment"`
	Doing   string `json:"doing"`
	Wrong   string `json:"wrong"`
	Website string `json:"website"` // the honeypot: people leave it empty
}

// formText turns a JSON yes/no or number into the text a form would send.
func formText(field string, v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case bool:
		if v {
			return "yes", nil
		}
		return "no", nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	}
	if field == "useful" {
		return "", web.BadRequest(field, "useful must be yes or no")
	}
	return "", web.BadRequest(field, "rating must be a whole number from 1 (very dissatisfied) to 5 (very satisfied)")
}

// decodePublicJSON reads a public JSON submission: its domain, its input and
// whether the honeypot was filled. Its errors are 4xx *web.Error values.
func decodePublicJSON(w http.ResponseWriter, r *http.Request) (string, Input, bool, error) {
	if ct := r.Header.Get("Content-Type"); ct == "" {
		return "", Input{}, false, &web.Error{Status: http.StatusUnsupportedMediaType, Message: "send the feedback as application/json"}
	}
	var b publicBody
	if err := web.DecodeJSON(w, r, MaxPublicBody, &b); err != nil {
		return "", Input{}, false, err
	}
	useful, err := formText("useful", b.Useful)
	if err != nil {
		return "", Input{}, false, err
	}
	rating, err := formText("rating", b.Rating)
	if err != nil {
		return "", Input{}, false, err
	}
	in := Input{Kind: b.Kind, URL: b.URL, Useful: useful, Rating: rating, Comment: b.Comment, Doing: b.Doing, Wrong: b.Wrong}
	return b.Domain, in, b.Website != "", nil
}

// decodePublicForm reads a form-encoded submission, as decodePublicJSON.
func decodePublicForm(w http.ResponseWriter, r *http.Request) (string, Input, bool, error) {
	if err := readForm(w, r); err != nil {
		return "", Input{}, false, err
	}
	f := r.PostForm
	in := Input{Kind: f.Get("kind"), URL: f.Get("url"), Useful: f.Get("useful"), Rating: f.Get("rating"),
		Comment: f.Get("comment"), Doing: f.Get("doing"), Wrong: f.Get("wrong")}
	return f.Get("domain"), in, f.Get("website") != "", nil
}

// readForm parses a public form post: form-encoded, at most MaxPublicBody
// bytes, every value storable text.
func readForm(w http.ResponseWriter, r *http.Request) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return &web.Error{Status: http.StatusUnsupportedMediaType, Message: "send the form as application/x-www-form-urlencoded"}
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxPublicBody)
	if err := r.ParseForm(); err != nil {
		if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
			return &web.Error{Status: http.StatusRequestEntityTooLarge, Message: fmt.Sprintf("feedback may be at most %d KiB", MaxPublicBody>>10)}
		}
		return web.BadRequest("", "The form could not be read.")
	}
	for name, values := range r.PostForm {
		for _, v := range values {
			if !web.ValidText(v) {
				return web.BadRequest(name, "%s contains characters that cannot be stored", clipName(name))
			}
		}
	}
	return nil
}

// clipName keeps a field name short in a message: it was sent by anyone.
func clipName(s string) string {
	if len(s) > 20 || strings.ContainsFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r == '_') }) {
		return "a field"
	}
	return s
}

// serviceByDomain finds the service a public submission is for, as a 400
// naming domain when there is none (or it is archived).
func (h *Handler) serviceByDomain(r *http.Request, domain string) (*catalog.Service, error) {
	domain = strings.TrimSpace(domain)
	if domain == "" {
		return nil, web.BadRequest("domain", "domain is missing: give the hostname of the service’s site")
	}
	host := domain
	if u, err := url.Parse("//" + domain); err == nil && u.Hostname() != "" && len(domain) <= 253 {
		host = u.Hostname()
	}
	s, err := h.cat.ByHost(r.Context(), host)
	if errors.Is(err, store.ErrNotFound) || err == nil && s.Archived() || !web.ValidText(domain) {
		return nil, web.BadRequest("domain", "domain is not the hostname of a service that takes feedback here")
	}
	return s, err
}

// sameSite refuses a form posted from a page on another site: only the
// service's own pages, and liveops's (the form shown again with its
// problems), may send it. Browsers send Origin with every POST; a client
// that sends none is not a browser on someone else's page.
func (h *Handler) sameSite(r *http.Request, s *catalog.Service) error {
	o := r.Header.Get("Origin")
	if o == "" {
		return nil
	}
	u, err := url.Parse(o)
	if err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host) {
		return nil
	}
	if origin, err := h.originService(r); err != nil || origin != nil && origin.ID == s.ID {
		return err
	}
	return web.Forbidden("feedback for this service is taken only from pages on its own hostnames")
}

// originService is the service whose hostname the browser's Origin names,
// or nil.
func (h *Handler) originService(r *http.Request) (*catalog.Service, error) {
	o := r.Header.Get("Origin")
	if o == "" || o == "null" {
		return nil, nil
	}
	u, err := url.Parse(o)
	if err != nil || u.Hostname() == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, nil
	}
	s, err := h.cat.ByHost(r.Context(), u.Hostname())
	if errors.Is(err, store.ErrNotFound) || err == nil && s.Archived() {
		return nil, nil
	}
	return s, err
}

// allowOrigin answers CORS for the browser's Origin when it is one of a
// service's own hostnames, and returns that service (nil otherwise).
func (h *Handler) allowOrigin(w http.ResponseWriter, r *http.Request) (*catalog.Service, error) {
	w.Header().Add("Vary", "Origin")
	s, err := h.originService(r)
	if s != nil {
		hd := w.Header()
		hd.Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		hd.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
		hd.Set("Access-Control-Allow-Headers", "Content-Type")
		hd.Set("Access-Control-Expose-Headers", "Retry-After")
	}
	return s, err
}

// preflight answers the browser's OPTIONS before a cross-origin POST: 204
// with the CORS headers for a service's own hostname, 403 without them for
// anyone else.
func (h *Handler) preflight(w http.ResponseWriter, r *http.Request) {
	s, err := h.allowOrigin(w, r)
	if err != nil {
		h.site.Fail(w, r, err)
		return
	}
	if s == nil {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	w.Header().Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

// publicJSON answers POST /api/feedback: 201 {"id": N} when stored (or when
// the same visitor sent the same in the last minutes, with that id), 400
// naming the field, 403 from another site's page, 413, 415, 429.
func (h *Handler) publicJSON(w http.ResponseWriter, r *http.Request) error {
	origin, err := h.allowOrigin(w, r)
	if err != nil {
		return err
	}
	domain, in, honeypot, err := decodePublicJSON(w, r)
	if err != nil {
		return err
	}
	s, err := h.serviceByDomain(r, domain)
	if err != nil {
		return err
	}
	if r.Header.Get("Origin") != "" && (origin == nil || origin.ID != s.ID) {
		return web.Forbidden("feedback for this service is taken only from pages on its own hostnames")
	}
	id, err := h.submit(w, r, s, in, honeypot)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

// submit checks and stores a public submission and returns its id. A
// filled honeypot is checked like the rest and then answered as a success,
// with an id that could have been real, and nothing stored.
func (h *Handler) submit(w http.ResponseWriter, r *http.Request, s *catalog.Service, in Input, honeypot bool) (int64, error) {
	if _, errs := in.check(false); len(errs) > 0 {
		return 0, invalid(errs)
	}
	if honeypot {
		return h.fb.nextID(r.Context())
	}
	switch v, wait := h.networks.take(s.ID, web.ClientIP(r.Context()), h.Now()); v {
	case refused:
		limit := &LimitError{RetryAfter: wait}
		w.Header().Set("Retry-After", strconv.Itoa(limit.Seconds()))
		return 0, limit
	case held:
		in.held = true
	}
	var visitor int64
	if h.opt.VisitorKey != nil {
		var err error
		if visitor, err = h.opt.VisitorKey(r.Context(), s, r); err != nil {
			return 0, fmt.Errorf("visitor key: %w", err)
		}
	}
	rc, err := h.fb.Submit(r.Context(), s.ID, visitor, in)
	if limit := (*LimitError)(nil); errors.As(err, &limit) {
		w.Header().Set("Retry-After", strconv.Itoa(limit.Seconds()))
	}
	return rc.ID, err
}

// publicForm answers POST /feedback, the form of pages without script: 303
// to the thank-you page, or the form again with an error summary (400).
func (h *Handler) publicForm(w http.ResponseWriter, r *http.Request) error {
	domain, in, honeypot, err := decodePublicForm(w, r)
	if err != nil {
		return err
	}
	s, err := h.serviceByDomain(r, domain)
	if err != nil {
		return err
	}
	if err := h.sameSite(r, s); err != nil {
		return err
	}
	if in.URL == "" || strings.Contains(in.URL, "THE-PAGE-PATH") {
		in.URL = refererPage(r, s)
	}
	if _, _, msg := checkURL(in.URL); msg != "" {
		// The page's address is a hidden field the person cannot correct:
		// keep what they wrote, without it.
		in.URL = ""
	}
	_, err = h.submit(w, r, s, in, honeypot)
	if ie := (*InputError)(nil); errors.As(err, &ie) {
		in, err := h.echo(r, s, in)
		if err != nil {
			return err
		}
		d := publicFormData{Service: s, Domain: domain, In: in, Kinds: Kinds, Ratings: surveyRatings,
			KnownKind: validKind(Kind(in.Kind)), CommentLabel: commentLabel(Kind(in.Kind))}
		return h.pages.Render(w, r, ie.Status, "feedback/form", d, plainErrors(ie.Errors))
	}
	if err != nil {
		return err
	}
	// The address goes into the browser's history and proxies' logs: only
	// as it was stored, scrubbed, and with the service's own hostname.
	echoed, err := h.echo(r, s, in)
	if err != nil {
		return err
	}
	host := domain
	if len(s.Domains) > 0 {
		host = s.Domains[0]
	}
	return web.Redirect(w, r, "/feedback/thanks?"+url.Values{"domain": {host}, "url": {echoed.URL}}.Encode())
}

// publicFormData is the no-script form shown again with its problems.
type publicFormData struct {
	Service      *catalog.Service
	Domain       string
	In           Input
	Kinds        []Kind
	Ratings      []surveyRating
	KnownKind    bool
	CommentLabel string
}

// commentLabel is the question the comment field answers for a kind.
func commentLabel(k Kind) string {
	switch k {
	case KindUseful:
		return "How should we improve this page? (optional)"
	case KindProblem:
		return "Anything else you want to tell us? (optional)"
	case KindSatisfaction:
		return "How could we improve this service? (optional)"
	case KindComment:
		return "Your comment"
	}
	return "Your comment or suggestion"
}

// echo is what a form with problems shows again of what was sent: the
// texts scrubbed, as they would have been stored, and the page's address
// without its query. The page that says what to fix holds no personal data
// either.
func (h *Handler) echo(r *http.Request, s *catalog.Service, in Input) (Input, error) {
	sc, err := h.fb.Scrubber(r.Context(), s.ID)
	if err != nil {
		return in, err
	}
	clean, path, _ := checkURL(in.URL)
	in.URL, _ = scrubURL(sc, clean, path)
	in.Comment, in.Doing, in.Wrong = sc.String(in.Comment), sc.String(in.Doing), sc.String(in.Wrong)
	in.GivenBy = sc.String(in.GivenBy)
	return in, nil
}

// refererPage is the page a form without a url field was sent from: the
// Referer, when it is on one of the service's hostnames, without its query
// and fragment (checkURL drops them; the path is scrubbed with the rest).
// Browsers send another site only the origin unless the page's referrer
// policy allows more, so a bare "/" says nothing of the page and gives "".
func refererPage(r *http.Request, s *catalog.Service) string {
	u, err := url.Parse(r.Referer())
	if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Path == "" || u.Path == "/" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	for _, d := range s.Domains {
		if host == d || host == "www."+d || "www."+host == d {
			u.RawQuery, u.Fragment, u.User = "", "", nil
			return u.String()
		}
	}
	return ""
}

// thanksPage answers GET /feedback/thanks?domain=…&url=…, with a link back
// to the page the feedback was about when it is on one of the service's
// own hostnames: never anywhere else.
func (h *Handler) thanksPage(w http.ResponseWriter, r *http.Request) error {
	var d struct {
		Service *catalog.Service
		Back    string
	}
	q := r.URL.Query()
	if s, err := h.serviceByDomain(r, q.Get("domain")); err == nil {
		d.Service = s
		back, err := h.backLink(r, s, q.Get("url"))
		if err != nil {
			return err
		}
		d.Back = back
	}
	r, _, err := h.present(r, d.Service)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "feedback/thanks", d, nil)
}

// backLink is raw as an absolute http(s) URL on one of s's hostnames,
// without query or fragment, or "".
func (h *Handler) backLink(r *http.Request, s *catalog.Service, raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil {
		return "", nil
	}
	owner, err := h.cat.ByHost(r.Context(), u.Hostname())
	if errors.Is(err, store.ErrNotFound) || err == nil && owner.ID != s.ID {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
	return u.String(), nil
}

// plainErrors says what to fix in the words of the form a person filled
// in, rather than the API's, which name fields ("useful must be yes or no").
func plainErrors(in web.FormErrors) web.FormErrors {
	out := make(web.FormErrors, 0, len(in))
	for _, fe := range in {
		switch {
		case fe.Field == "useful":
			fe.Message = "Choose Yes or No"
		case fe.Field == "rating":
			fe.Message = "Choose how you felt about the service"
		case fe.Field == "doing" && strings.Contains(fe.Message, "needs doing or wrong"):
			fe.Message = "Tell us what you were doing or what went wrong"
		case fe.Field == "comment" && strings.Contains(fe.Message, "missing"):
			fe.Message = "Enter your comment"
		case strings.Contains(fe.Message, "characters or fewer"):
			fe.Message = fmt.Sprintf("Your answer must be %s characters or fewer", thousands(MaxTextLen))
		}
		out = append(out, fe)
	}
	return out
}
