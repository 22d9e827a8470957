package kpi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/web"
)

// settingsJSON is a service's KPI settings as the API shows them.
type settingsJSON struct {
	MainFunnelID    *int64               `json:"main_funnel_id"`
	Currency        string               `json:"currency"`
	ExpectedAgeDays map[InputKind]int    `json:"expected_age_days"`
	Targets         map[Name]*targetJSON `json:"targets"`
	UpdatedAt       *string              `json:"updated_at"`
}

func toSettingsJSON(s Settings) settingsJSON {
	out := settingsJSON{Currency: s.Currency, ExpectedAgeDays: s.ExpectedAge, Targets: map[Name]*targetJSON{}}
	if s.MainFunnelID != 0 {
		out.MainFunnelID = ptr(s.MainFunnelID)
	}
	for _, n := range Headline {
		out.Targets[n] = nil
		if t, ok := s.Targets[n]; ok {
			out.Targets[n] = &targetJSON{Value: t.Value(), Direction: t.Direction}
		}
	}
	if !s.UpdatedAt.IsZero() {
		out.UpdatedAt = ptr(s.UpdatedAt.UTC().Format(time.RFC3339))
	}
	return out
}

// apiSettings answers GET /api/v1/services/{slug}/kpis/settings.
func (h *Handler) apiSettings(w http.ResponseWriter, r *http.Request) error {
	s, err := h.readable(r)
	if err != nil {
		return err
	}
	settings, err := h.kpi.Settings(r.Context(), s.ID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, toSettingsJSON(settings))
	return nil
}

// settingsPatch is a change to the settings: absent fields are kept; a
// null main_funnel_id clears it, a null target removes it.
type settingsPatch struct {
	MainFunnelID    json.RawMessage          `json:"main_funnel_id"`
	Currency        *string                  `json:"currency"`
	ExpectedAgeDays map[InputKind]int        `json:"expected_age_days"`
	Targets         map[Name]json.RawMessage `json:"targets"`
}

// apiPatchSettings answers PATCH /api/v1/services/{slug}/kpis/settings
// with the settings as they are saved; a 400 names the field at fault.
func (h *Handler) apiPatchSettings(w http.ResponseWriter, r *http.Request) error {
	s, err := h.writable(r)
	if err != nil {
		return err
	}
	var p settingsPatch
	if err := web.DecodeJSON(w, r, web.MaxJSONBody, &p); err != nil {
		return err
	}
	settings, err := h.kpi.Settings(r.Context(), s.ID)
	if err != nil {
		return err
	}
	if err := p.apply(&settings); err != nil {
		return err
	}
	err = h.kpi.SaveSettings(r.Context(), s.ID, settings)
	if ie := (*InputError)(nil); errors.As(err, &ie) {
		fe := ie.Errors[0]
		return web.BadRequest(apiField(fe.Field), "%s", fe.Message)
	}
	if err != nil {
		return err
	}
	if settings, err = h.kpi.Settings(r.Context(), s.ID); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, toSettingsJSON(settings))
	return nil
}

// apply changes s as p asks; its errors are 400s naming the JSON field.
func (p *settingsPatch) apply(s *Settings) error {
	switch v := string(bytes.TrimSpace(p.MainFunnelID)); v {
	case "":
	case "null":
		s.MainFunnelID = 0
	default:
		var id int64
		if err := json.Unmarshal(p.MainFunnelID, &id); err != nil || id <= 0 {
			return web.BadRequest("main_funnel_id", "main_funnel_id must be the id of one of the service’s funnels, or null")
		}
		s.MainFunnelID = id
	}
	if p.Currency != nil {
		s.Currency = strings.ToUpper(strings.TrimSpace(*p.Currency))
	}
	for kind, days := range p.ExpectedAgeDays {
		if !validInputKind(kind) {
			return web.BadRequest("expected_age_days", "expected_age_days has no input %q: the inputs are digital, channels, costs and satisfaction", clip(string(kind)))
		}
		s.ExpectedAge[kind] = days
	}
	names := make([]Name, 0, len(p.Targets))
	for n := range p.Targets {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		raw := p.Targets[n]
		field := "targets." + string(n)
		if !isHeadline(n) {
			return web.BadRequest("targets", "there is no target for %q: targets are for completion_rate, digital_take_up, user_satisfaction and cost_per_transaction", clip(string(n)))
		}
		if string(bytes.TrimSpace(raw)) == "null" {
			delete(s.Targets, n)
			continue
		}
		var t struct {
			Value     json.Number `json:"value"`
			Direction Direction   `json:"direction"`
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		dec.UseNumber()
		if err := dec.Decode(&t); err != nil || t.Value == "" {
			return web.BadRequest(field, "%s must be null or an object with value (a number) and direction (higher or lower)", field)
		}
		micro, err := parseDecimal(t.Value.String(), 6)
		if err != nil {
			unit := "a fraction from 0 to 1, such as 0.85"
			if !n.isRate() {
				unit = "an amount in the service’s currency, such as 4.50"
			}
			return web.BadRequest(field+".value", "%s.value must be %s", field, unit)
		}
		if t.Direction == "" {
			t.Direction = n.defaultDirection()
		}
		s.Targets[n] = Target{Micro: micro, Direction: t.Direction}
	}
	return nil
}

func validInputKind(k InputKind) bool {
	for _, v := range InputKinds {
		if v == k {
			return true
		}
	}
	return false
}

// apiField is the JSON field of a settings form field.
func apiField(formField string) string {
	switch {
	case formField == "main_funnel":
		return "main_funnel_id"
	case strings.HasPrefix(formField, "age_"):
		return "expected_age_days." + strings.TrimPrefix(formField, "age_")
	case strings.HasPrefix(formField, "target_"):
		return "targets." + strings.TrimPrefix(formField, "target_") + ".value"
	case strings.HasPrefix(formField, "direction_"):
		return "targets." + strings.TrimPrefix(formField, "direction_") + ".direction"
	}
	return formField
}
