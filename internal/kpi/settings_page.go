package kpi

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/goals"
	"github.com/liveops/liveops/internal/web"
)

// settingsForm is the settings form as the user filled it in.
type settingsForm struct {
	MainFunnel string
	Currency   string
	Ages       map[InputKind]string
	Targets    map[Name]string // percentages for rates, an amount for cost
	Directions map[Name]string
}

type settingsPageData struct {
	Service *catalog.Service
	Funnels []*goals.Funnel
	Form    settingsForm
	Kinds   []InputKind
	Names   []Name
}

// Unit says how a target is typed: "%", or the currency.
func (d *settingsPageData) Unit(n Name) string {
	if n.isRate() {
		return "%"
	}
	return d.Form.Currency
}

// formOf fills the form from stored settings.
func formOf(s Settings) settingsForm {
	f := settingsForm{Currency: s.Currency, Ages: map[InputKind]string{}, Targets: map[Name]string{}, Directions: map[Name]string{}}
	if s.MainFunnelID != 0 {
		f.MainFunnel = strconv.FormatInt(s.MainFunnelID, 10)
	}
	for _, k := range InputKinds {
		f.Ages[k] = strconv.Itoa(s.ExpectedAge[k])
	}
	for _, n := range Headline {
		f.Directions[n] = string(n.defaultDirection())
		if t, ok := s.Targets[n]; ok {
			f.Directions[n] = string(t.Direction)
			if n.isRate() {
				f.Targets[n] = formatDecimal(t.Micro, 4) // millionths of 1 are ten-thousandths of a percent
			} else {
				f.Targets[n] = formatDecimal(t.Micro, 6)
			}
		}
	}
	return f
}

func (h *Handler) settingsData(r *http.Request, s *catalog.Service, f settingsForm) (*settingsPageData, error) {
	d := &settingsPageData{Service: s, Form: f, Kinds: InputKinds, Names: Headline}
	if h.kpi.opt.Funnels != nil {
		list, err := h.kpi.opt.Funnels(r.Context(), s.ID)
		if err != nil {
			return nil, fmt.Errorf("list funnels of service %d: %w", s.ID, err)
		}
		d.Funnels = list
	}
	return d, nil
}

// settingsPage shows the KPI settings form: the main funnel, the
// currency, the expected age of each input and the targets.
func (h *Handler) settingsPage(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	settings, err := h.kpi.Settings(r.Context(), s.ID)
	if err != nil {
		return err
	}
	d, err := h.settingsData(r, s, formOf(settings))
	if err != nil {
		return err
	}
	return h.pages.Render(w, r, http.StatusOK, "kpi/settings", d, nil)
}

// saveSettings saves the settings form, or shows it again with every
// problem.
func (h *Handler) saveSettings(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	f, settings, errs := readSettingsForm(r)
	if len(errs) == 0 {
		err = h.kpi.SaveSettings(r.Context(), s.ID, settings)
		if ie := (*InputError)(nil); errors.As(err, &ie) {
			errs = ie.Errors
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		d, err := h.settingsData(r, s, f)
		if err != nil {
			return err
		}
		return h.pages.Render(w, r, http.StatusBadRequest, "kpi/settings", d, errs)
	}
	web.SetFlash(w, r, "The KPI settings are saved.")
	return web.Redirect(w, r, "/services/"+s.Slug+"/kpis")
}

// readSettingsForm reads the posted form, with the errors only the form
// can make (text where a number goes); SaveSettings checks the rest.
func readSettingsForm(r *http.Request) (settingsForm, Settings, FormErrors) {
	var errs FormErrors
	f := settingsForm{
		MainFunnel: r.PostFormValue("main_funnel"),
		Currency:   r.PostFormValue("currency"),
		Ages:       map[InputKind]string{}, Targets: map[Name]string{}, Directions: map[Name]string{},
	}
	s := DefaultSettings()
	s.Currency = strings.ToUpper(strings.TrimSpace(f.Currency))
	if f.MainFunnel != "" {
		id, err := strconv.ParseInt(f.MainFunnel, 10, 64)
		if err != nil || id <= 0 {
			errs.Add("main_funnel", "Choose one of the service’s funnels, or none")
		}
		s.MainFunnelID = id
	}
	for _, k := range InputKinds {
		v := strings.TrimSpace(r.PostFormValue("age_" + string(k)))
		f.Ages[k] = v
		n, err := strconv.Atoi(v)
		if err != nil {
			errs.Add("age_"+string(k), fmt.Sprintf("Enter how many days old %s may be, a whole number such as 35", lowerFirst(k.Label())))
			continue
		}
		s.ExpectedAge[k] = n
	}
	for _, n := range Headline {
		v := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(r.PostFormValue("target_"+string(n))), "%"))
		f.Targets[n], f.Directions[n] = v, r.PostFormValue("direction_"+string(n))
		if v == "" {
			continue
		}
		places := 6
		msg := fmt.Sprintf("Enter the target for %s as an amount such as 4.50, or leave it empty", lowerFirst(n.Label()))
		if n.isRate() {
			places = 4 // a percentage with 4 decimals is millionths of 1
			msg = fmt.Sprintf("Enter the target for %s as a percentage such as 85, or leave it empty", lowerFirst(n.Label()))
		}
		micro, err := parseDecimal(v, places)
		if err != nil {
			errs.Add("target_"+string(n), msg)
			continue
		}
		s.Targets[n] = Target{Micro: micro, Direction: Direction(f.Directions[n])}
	}
	return f, s, errs
}
