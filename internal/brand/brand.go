// Package brand is how the pages the public sees present themselves: in
// the organisation's name, logo and colour, with its support, privacy and
// accessibility links, and per service under the service's public name
// with a link back to it, in the reader's language. Surveys, thank-you
// pages and performance pages call Public before they render.
package brand

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/i18n"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/web"
)

// Organisation is the organisation's presentation.
type Organisation struct {
	Name             string
	Colour           string // "#rrggbb", "" for liveops' own
	SupportText      string
	SupportURL       string
	PrivacyURL       string
	AccessibilityURL string
	DefaultLang      string
	PoweredBy        bool
	LogoType         string // "" when there is no logo
	Version          int64
}

// Service is a service's own presentation.
type Service struct {
	PublicName  string // "" for the service's name in the catalog
	WelshName   string // the public name on Welsh pages; "" for PublicName
	ServiceURL  string // where the service starts
	DefaultLang string // "" for the organisation's
}

// Name is the service's public name in lang: its Welsh name on a Welsh
// page when it has one, else its public name, else catalogName.
func (s Service) Name(lang, catalogName string) string {
	if lang == i18n.Welsh && s.WelshName != "" {
		return s.WelshName
	}
	if s.PublicName != "" {
		return s.PublicName
	}
	return catalogName
}

// Brand reads and keeps the presentation.
type Brand struct {
	db  *store.DB
	now func() time.Time

	mu      sync.Mutex
	org     Organisation
	orgRead time.Time
}

// orgTTL is how long a node reuses the organisation's row: every public
// page needs it, and a change shows within this time on every node.
const orgTTL = 10 * time.Second

// New returns a Brand reading db.
func New(db *store.DB) *Brand { return &Brand{db: db, now: time.Now} }

// Org returns the organisation's presentation.
func (b *Brand) Org(ctx context.Context) (Organisation, error) {
	b.mu.Lock()
	if !b.orgRead.IsZero() && b.now().Sub(b.orgRead) < orgTTL {
		o := b.org
		b.mu.Unlock()
		return o, nil
	}
	b.mu.Unlock()
	o := Organisation{DefaultLang: i18n.English, PoweredBy: true}
	err := b.db.QueryRowContext(ctx, `SELECT org_name, colour, support_text, support_url, privacy_url, accessibility_url,
		default_lang, powered_by, logo_type, version FROM branding WHERE id = 1`).Scan(&o.Name, &o.Colour, &o.SupportText,
		&o.SupportURL, &o.PrivacyURL, &o.AccessibilityURL, &o.DefaultLang, &o.PoweredBy, &o.LogoType, &o.Version)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("read branding: %w", err)
	}
	b.mu.Lock()
	b.org, b.orgRead = o, b.now()
	b.mu.Unlock()
	return o, nil
}

// SaveOrg stores the organisation's presentation (not its logo).
func (b *Brand) SaveOrg(ctx context.Context, o Organisation) error {
	_, err := b.db.ExecContext(ctx, `INSERT INTO branding (id, org_name, colour, support_text, support_url, privacy_url,
		accessibility_url, default_lang, powered_by, version) VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, 1)
		ON CONFLICT (id) DO UPDATE SET org_name = excluded.org_name, colour = excluded.colour, support_text = excluded.support_text,
		support_url = excluded.support_url, privacy_url = excluded.privacy_url, accessibility_url = excluded.accessibility_url,
		default_lang = excluded.default_lang, powered_by = excluded.powered_by, version = branding.version + 1`,
		o.Name, o.Colour, o.SupportText, o.SupportURL, o.PrivacyURL, o.AccessibilityURL, o.DefaultLang, o.PoweredBy)
	b.forget()
	if err != nil {
		return fmt.Errorf("save branding: %w", err)
	}
	return nil
}

// SetLogo stores the logo (data of type typ), or removes it when data is nil.
func (b *Brand) SetLogo(ctx context.Context, data []byte, typ string) error {
	if data == nil {
		typ = ""
	}
	_, err := b.db.ExecContext(ctx, `INSERT INTO branding (id, logo, logo_type, version) VALUES (1, $1, $2, 1)
		ON CONFLICT (id) DO UPDATE SET logo = excluded.logo, logo_type = excluded.logo_type, version = branding.version + 1`, data, typ)
	b.forget()
	if err != nil {
		return fmt.Errorf("save the logo: %w", err)
	}
	return nil
}

// Logo returns the logo and its type; nil when there is none.
func (b *Brand) Logo(ctx context.Context) ([]byte, string, error) {
	var data []byte
	var typ string
	err := b.db.QueryRowContext(ctx, `SELECT logo, logo_type FROM branding WHERE id = 1`).Scan(&data, &typ)
	if errors.Is(err, sql.ErrNoRows) || err == nil && typ == "" {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("read the logo: %w", err)
	}
	return data, typ, nil
}

func (b *Brand) forget() {
	b.mu.Lock()
	b.orgRead = time.Time{}
	b.mu.Unlock()
}

// Service returns a service's own presentation.
func (b *Brand) Service(ctx context.Context, serviceID int64) (Service, error) {
	var s Service
	err := b.db.QueryRowContext(ctx, `SELECT public_name, public_name_cy, service_url, default_lang FROM service_branding
		WHERE service_id = $1`, serviceID).Scan(&s.PublicName, &s.WelshName, &s.ServiceURL, &s.DefaultLang)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("read the service's branding: %w", err)
	}
	return s, nil
}

// PublicName is the name s goes by on public pages in lang (see Service.Name).
func (b *Brand) PublicName(ctx context.Context, s *catalog.Service, lang string) (string, error) {
	sb, err := b.Service(ctx, s.ID)
	return sb.Name(lang, s.Name), err
}

// SaveService stores a service's own presentation.
func (b *Brand) SaveService(ctx context.Context, serviceID int64, s Service) error {
	if _, err := b.db.ExecContext(ctx, `INSERT INTO service_branding (service_id, public_name, public_name_cy, service_url, default_lang)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (service_id) DO UPDATE SET public_name = excluded.public_name,
		public_name_cy = excluded.public_name_cy, service_url = excluded.service_url, default_lang = excluded.default_lang`,
		serviceID, s.PublicName, s.WelshName, s.ServiceURL, s.DefaultLang); err != nil {
		return fmt.Errorf("save the service's branding: %w", err)
	}
	return nil
}

// Public marks r's page as a public page of service s (nil for the
// organisation's own pages, such as the list of performance pages), and
// returns the request to render with and the page's language.
func (b *Brand) Public(r *http.Request, s *catalog.Service) (*http.Request, string, error) {
	o, err := b.Org(r.Context())
	if err != nil {
		return r, "", err
	}
	fallback := o.DefaultLang
	p := &web.Public{OrgName: o.Name, SupportText: o.SupportText, SupportURL: o.SupportURL, PrivacyURL: o.PrivacyURL,
		AccessibilityURL: o.AccessibilityURL, PoweredBy: o.PoweredBy}
	if p.OrgName == "" {
		p.OrgName = "Public services"
	}
	if o.Colour != "" {
		p.StyleURL = "/brand.css?v=" + strconv.FormatInt(o.Version, 10)
	}
	if o.LogoType != "" {
		p.LogoURL = "/brand/logo?v=" + strconv.FormatInt(o.Version, 10)
	}
	var sb Service
	if s != nil {
		if sb, err = b.Service(r.Context(), s.ID); err != nil {
			return r, "", err
		}
		p.ServiceURL = sb.ServiceURL
		if sb.DefaultLang != "" {
			fallback = sb.DefaultLang
		}
	}
	p.Lang = web.PageLang(r, fallback)
	if s != nil {
		p.ServiceName = sb.Name(p.Lang, s.Name)
	}
	p.Switch = web.LangSwitch(r, p.Lang)
	return web.WithPublic(r, p), p.Lang, nil
}

// Contrast is WCAG 2's contrast ratio of two "#rrggbb" colours.
func Contrast(a, b string) (float64, error) {
	la, err := luminance(a)
	if err != nil {
		return 0, err
	}
	lb, err := luminance(b)
	if err != nil {
		return 0, err
	}
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05), nil
}

// luminance is WCAG 2's relative luminance of "#rrggbb".
func luminance(hex string) (float64, error) {
	if len(hex) != 7 || hex[0] != '#' {
		return 0, fmt.Errorf("%q is not a colour such as #0b3d91", hex)
	}
	v, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil {
		return 0, fmt.Errorf("%q is not a colour such as #0b3d91", hex)
	}
	channel := func(c uint64) float64 {
		s := float64(c) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(v>>16&0xff) + 0.7152*channel(v>>8&0xff) + 0.0722*channel(v&0xff), nil
}

// normColour lower-cases "#RRGGBB" and expands "#rgb".
func normColour(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) == 4 && s[0] == '#' {
		s = "#" + strings.Repeat(s[1:2], 2) + strings.Repeat(s[2:3], 2) + strings.Repeat(s[3:4], 2)
	}
	return s
}
