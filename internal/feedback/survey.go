package feedback

import (
	"errors"
	"github.com/liveops/liveops/internal/i18n"
	"net/http"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// surveyData is the hosted satisfaction survey: the service it is about
// and what was chosen and typed.
type surveyData struct {
	Service *catalog.Service
	Rating  string
	Comment string
	Ratings []surveyRating
	MaxLen  string // MaxTextLen, written for people
	Lang    string
	Name    string // the service's public name
}

// publicName is the name a public page of s shows: its public name when
// the page is presented as the service's (web.Public), else its own.
func publicName(r *http.Request, s *catalog.Service) string {
	if p := web.PublicFrom(r.Context()); p != nil && p.ServiceName != "" {
		return p.ServiceName
	}
	return s.Name
}

type surveyRating struct {
	Value int
	Label string
}

// surveyRatings are the answers in GOV.UK's order, most satisfied first.
var surveyRatings = []surveyRating{
	{5, RatingLabel(5)}, {4, RatingLabel(4)}, {3, RatingLabel(3)}, {2, RatingLabel(2)}, {1, RatingLabel(1)},
}

// surveyService is the service of /survey/{slug}, or a 404 when there is
// none or it is archived: an archived service asks for no feedback.
func (h *Handler) surveyService(r *http.Request) (*catalog.Service, error) {
	s, err := h.cat.BySlug(r.Context(), r.PathValue("slug"))
	if errors.Is(err, store.ErrNotFound) || err == nil && s.Archived() {
		return nil, web.NotFound("survey")
	}
	return s, err
}

// surveyPage answers GET /survey/{slug}, the end-of-service survey a
// service's confirmation page links to.
func (h *Handler) surveyPage(w http.ResponseWriter, r *http.Request) error {
	s, err := h.surveyService(r)
	if err != nil {
		return err
	}
	r, lang, err := h.present(r, s)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "feedback/survey", surveyData{Service: s, Ratings: surveyRatings, MaxLen: thousands(MaxTextLen), Lang: lang, Name: publicName(r, s)}, nil)
}

// surveySubmit answers POST /survey/{slug}: 303 to the thank-you page, or
// the survey again with an error summary (400).
func (h *Handler) surveySubmit(w http.ResponseWriter, r *http.Request) error {
	s, err := h.surveyService(r)
	if err != nil {
		return err
	}
	if err := readForm(w, r); err != nil {
		return err
	}
	r, lang, err := h.present(r, s)
	if err != nil {
		return err
	}
	f := r.PostForm
	in := Input{Kind: string(KindSatisfaction), Rating: f.Get("rating"), Comment: f.Get("comment")}
	_, err = h.submit(w, r, s, in, f.Get("website") != "")
	if ie := (*InputError)(nil); errors.As(err, &ie) {
		var errs web.FormErrors
		for _, fe := range ie.Errors {
			switch fe.Field {
			case "rating":
				fe.Message = i18n.T(lang, "Select how you felt about the service you received today")
			case "comment":
				fe.Message = i18n.T(lang, "Your answer to “How could we improve this service?” must be 2,000 characters or fewer")
			}
			errs = append(errs, fe)
		}
		if in, err = h.echo(r, s, in); err != nil {
			return err
		}
		d := surveyData{Service: s, Rating: in.Rating, Comment: in.Comment, Ratings: surveyRatings, MaxLen: thousands(MaxTextLen), Lang: lang, Name: publicName(r, s)}
		return h.pages.Render(w, r, ie.Status, "feedback/survey", d, errs)
	}
	if err != nil {
		return err
	}
	return web.Redirect(w, r, "/survey/"+s.Slug+"/thanks?lang="+lang)
}

// surveyThanks answers GET /survey/{slug}/thanks.
func (h *Handler) surveyThanks(w http.ResponseWriter, r *http.Request) error {
	s, err := h.surveyService(r)
	if err != nil {
		return err
	}
	r, _, err = h.present(r, s)
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "feedback/survey-thanks", s, nil)
}
