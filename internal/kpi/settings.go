package kpi

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/liveops/liveops/internal/audit"
	"github.com/liveops/liveops/internal/store"
)

// Name names a KPI, as the API and the targets do.
type Name string

// The KPIs. SatisfactionScore is user satisfaction's companion, the mean
// rating on a scale of 0 to 1; it has no target of its own.
const (
	CompletionRate     Name = "completion_rate"
	DigitalTakeUp      Name = "digital_take_up"
	UserSatisfaction   Name = "user_satisfaction"
	SatisfactionScore  Name = "satisfaction_score"
	CostPerTransaction Name = "cost_per_transaction"
)

// Headline lists the four KPIs of DESIGN.md, the ones with targets, in the
// order pages show them.
var Headline = []Name{CompletionRate, DigitalTakeUp, UserSatisfaction, CostPerTransaction}

// Label is the KPI as pages name it.
func (n Name) Label() string {
	switch n {
	case CompletionRate:
		return "Completion rate"
	case DigitalTakeUp:
		return "Digital take-up"
	case UserSatisfaction:
		return "User satisfaction"
	case SatisfactionScore:
		return "Satisfaction score"
	case CostPerTransaction:
		return "Cost per transaction"
	}
	return string(n)
}

// isRate reports whether the KPI is a fraction from 0 to 1 (every one but
// cost per transaction, which is money).
func (n Name) isRate() bool { return n != CostPerTransaction }

// Direction says which way a KPI should move.
type Direction string

// The directions of a target.
const (
	Higher Direction = "higher" // higher is better
	Lower  Direction = "lower"  // lower is better
)

// defaultDirection is the way a KPI should move: every rate up, costs down.
func (n Name) defaultDirection() Direction {
	if n == CostPerTransaction {
		return Lower
	}
	return Higher
}

// Target is what a KPI should reach.
type Target struct {
	// Micro is the target in millionths of the KPI's unit: of 1 for the
	// rates (0.85 is 850000), of the currency unit for cost per transaction.
	Micro     int64
	Direction Direction
}

// Value is the target in the KPI's unit: a fraction, or currency units.
func (t Target) Value() float64 { return float64(t.Micro) / 1e6 }

// InputKind is one kind of input, each with an expected age.
type InputKind string

// The kinds of input.
const (
	InputDigital      InputKind = "digital"      // the digital channel's transactions
	InputChannels     InputKind = "channels"     // the other channels' transactions
	InputCosts        InputKind = "costs"        // costs
	InputSatisfaction InputKind = "satisfaction" // survey answers
)

// InputKinds lists the kinds of input in the order pages show them.
var InputKinds = []InputKind{InputDigital, InputChannels, InputCosts, InputSatisfaction}

// Label is the input as pages name it.
func (k InputKind) Label() string {
	switch k {
	case InputDigital:
		return "Digital transactions"
	case InputChannels:
		return "Transactions through other channels"
	case InputCosts:
		return "Costs"
	}
	return "Satisfaction survey answers"
}

// MaxExpectedAge bounds the expected age of an input, in days.
const MaxExpectedAge = 3660

// Settings are a service's KPI settings.
type Settings struct {
	// MainFunnelID is the funnel whose first and last steps count the
	// digital channel's started and completed transactions; 0 for none.
	MainFunnelID int64
	Currency     string
	// ExpectedAge is how many days old each kind of input may be before it
	// is flagged stale.
	ExpectedAge map[InputKind]int
	Targets     map[Name]Target
	UpdatedAt   time.Time // zero when never saved
}

// DefaultSettings are the settings of a service that has saved none: no
// main funnel, pounds sterling, digital figures a day or two old, monthly
// figures from other channels, quarterly costs, a week between answers.
func DefaultSettings() Settings {
	return Settings{
		Currency: DefaultCurrency,
		ExpectedAge: map[InputKind]int{
			InputDigital: 2, InputChannels: 35, InputCosts: 100, InputSatisfaction: 7,
		},
		Targets: map[Name]Target{},
	}
}

// Settings returns the service's KPI settings, the defaults when it has
// saved none.
func (k *KPI) Settings(ctx context.Context, serviceID int64) (Settings, error) {
	s := DefaultSettings()
	var funnel sql.NullInt64
	var digital, channels, costs, satisfaction int
	err := k.db.QueryRowContext(ctx, `SELECT main_funnel_id, currency, stale_digital_days, stale_channels_days,
		stale_costs_days, stale_satisfaction_days, updated_at FROM kpi_settings WHERE service_id = $1`, serviceID).
		Scan(&funnel, &s.Currency, &digital, &channels, &costs, &satisfaction, &s.UpdatedAt)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return s, fmt.Errorf("read kpi settings of service %d: %w", serviceID, err)
	default:
		s.MainFunnelID = funnel.Int64
		s.ExpectedAge = map[InputKind]int{InputDigital: digital, InputChannels: channels, InputCosts: costs, InputSatisfaction: satisfaction}
	}
	rows, err := k.db.QueryContext(ctx, `SELECT kpi, value_micro, direction FROM kpi_targets WHERE service_id = $1`, serviceID)
	if err != nil {
		return s, fmt.Errorf("read kpi targets of service %d: %w", serviceID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var n Name
		var t Target
		if err := rows.Scan(&n, &t.Micro, &t.Direction); err != nil {
			return s, fmt.Errorf("read kpi targets of service %d: %w", serviceID, err)
		}
		s.Targets[n] = t
	}
	if err := rows.Err(); err != nil {
		return s, fmt.Errorf("read kpi targets of service %d: %w", serviceID, err)
	}
	return s, nil
}

// SaveSettings checks s and replaces the service's settings and targets
// with it. Its error is an *InputError, naming the settings form's fields,
// when s cannot be stored: a funnel of another service, a currency that is
// not three capital letters, an expected age out of 1 to MaxExpectedAge
// days, a rate target above 1 or an unknown direction.
func (k *KPI) SaveSettings(ctx context.Context, serviceID int64, s Settings) error {
	if err := k.checkSettings(ctx, serviceID, s); err != nil {
		return err
	}
	var funnel any
	if s.MainFunnelID != 0 {
		funnel = s.MainFunnelID
	}
	before, _ := k.Settings(ctx, serviceID)
	now := k.timestamp()
	err := k.db.Tx(ctx, func(tx store.Querier) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO kpi_settings (service_id, main_funnel_id, currency, stale_digital_days,
			stale_channels_days, stale_costs_days, stale_satisfaction_days, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (service_id) DO UPDATE SET main_funnel_id = excluded.main_funnel_id, currency = excluded.currency,
			stale_digital_days = excluded.stale_digital_days, stale_channels_days = excluded.stale_channels_days,
			stale_costs_days = excluded.stale_costs_days, stale_satisfaction_days = excluded.stale_satisfaction_days,
			updated_at = excluded.updated_at`,
			serviceID, funnel, s.Currency, s.ExpectedAge[InputDigital], s.ExpectedAge[InputChannels],
			s.ExpectedAge[InputCosts], s.ExpectedAge[InputSatisfaction], now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM kpi_targets WHERE service_id = $1`, serviceID); err != nil {
			return err
		}
		for _, n := range Headline {
			t, ok := s.Targets[n]
			if !ok {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO kpi_targets (service_id, kpi, value_micro, direction, updated_at)
				VALUES ($1, $2, $3, $4, $5)`, serviceID, n, t.Micro, t.Direction, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save kpi settings of service %d: %w", serviceID, err)
	}
	audit.Changed(ctx, before, s)
	return nil
}

// checkSettings finds every problem with s, by settings form field.
func (k *KPI) checkSettings(ctx context.Context, serviceID int64, s Settings) error {
	var errs FormErrors
	if s.MainFunnelID != 0 {
		ok, err := k.hasFunnel(ctx, serviceID, s.MainFunnelID)
		if err != nil {
			return err
		}
		if !ok {
			errs.Add("main_funnel", "Choose one of the service’s funnels, or none")
		}
	}
	if !validCurrency(s.Currency) {
		errs.Add("currency", "Enter the currency as its three-letter code, such as GBP or EUR")
	} else {
		// Costs are stored in the currency's minor units: a new currency
		// would silently rescale them (pence read as yen).
		old, err := k.Settings(ctx, serviceID)
		if err != nil {
			return err
		}
		var costs int
		if err := k.db.QueryRowContext(ctx, `SELECT count(*) FROM kpi_costs WHERE service_id = $1`, serviceID).Scan(&costs); err != nil {
			return fmt.Errorf("count costs: %w", err)
		}
		if costs > 0 && old.Currency != s.Currency {
			errs.Add("currency", fmt.Sprintf("The service’s costs are stored in %s: the currency cannot change while there are costs", old.Currency))
		}
	}
	for _, kind := range InputKinds {
		if a := s.ExpectedAge[kind]; a < 1 || a > MaxExpectedAge {
			errs.Add("age_"+string(kind), fmt.Sprintf("Enter how many days old %s may be, a whole number from 1 to %d",
				lowerFirst(kind.Label()), MaxExpectedAge))
		}
	}
	for _, n := range Headline {
		t, ok := s.Targets[n]
		switch {
		case !ok:
		case t.Micro < 0 || n.isRate() && t.Micro > 1e6:
			msg := fmt.Sprintf("The target for %s must be from 0%% to 100%%", lowerFirst(n.Label()))
			if !n.isRate() {
				msg = fmt.Sprintf("The target for %s must not be negative", lowerFirst(n.Label()))
			}
			errs.Add("target_"+string(n), msg)
		case t.Direction != Higher && t.Direction != Lower:
			errs.Add("direction_"+string(n), fmt.Sprintf("Choose whether a higher or a lower %s is better", lowerFirst(n.Label())))
		}
	}
	var unknown []string
	for n := range s.Targets {
		if !isHeadline(n) {
			unknown = append(unknown, string(n))
		}
	}
	slices.Sort(unknown)
	for _, n := range unknown {
		errs.Add("targets", fmt.Sprintf("There is no target for %q: targets are for %s, %s, %s and %s", n, Headline[0], Headline[1], Headline[2], Headline[3]))
	}
	return invalid(errs)
}

func isHeadline(n Name) bool {
	for _, h := range Headline {
		if h == n {
			return true
		}
	}
	return false
}

// hasFunnel reports whether the service has the funnel id.
func (k *KPI) hasFunnel(ctx context.Context, serviceID, id int64) (bool, error) {
	if k.opt.Funnels == nil {
		return false, nil
	}
	list, err := k.opt.Funnels(ctx, serviceID)
	if err != nil {
		return false, fmt.Errorf("list funnels of service %d: %w", serviceID, err)
	}
	for _, f := range list {
		if f.ID == id {
			return true, nil
		}
	}
	return false, nil
}
