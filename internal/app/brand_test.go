package app

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/account"
	"github.com/liveops/liveops/internal/auth"
	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/i18n"
	"github.com/liveops/liveops/internal/store/storetest"
)

// postMultipart sends a form with one file as a browser does.
func (c *client) postMultipart(path string, fields url.Values, file string, data []byte) (int, string) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if fields.Get("csrf_token") == "" {
		fields.Set("csrf_token", c.csrf)
	}
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if file != "" {
		fw, _ := mw.CreateFormFile(file, "logo.png")
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	code, page, _ := c.send(req)
	return code, page
}

// TestPublicPagesInTheServicesName: an administrator gives the
// organisation's name, logo, colour, links and Welsh as the default
// language, and a service its public name and start page; the survey, the
// thank-you pages and the performance pages then carry them and not
// liveops' name, in Welsh and (by the switch) English, errors included.
// A colour white text cannot be read on, a logo that is no image and an
// address that is not one are refused with the reason.
func TestPublicPagesInTheServicesName(t *testing.T) {
	for engine, dsn := range storetest.DSNs(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := newTestApp(t, dsn)
			svc, err := a.Catalog.Create(ctx, catalog.Input{Name: "Parking permits (internal)", Domains: []string{"parking.example.gov"}, Public: true})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Accounts.CreateUser(ctx, account.NewUser{Email: "admin@example.gov", Role: auth.Admin,
				Password: "a long enough password", AllServices: true}); err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(a.Handler())
			defer srv.Close()
			c := newClient(t, srv.URL)
			c.signIn("admin@example.gov", "a long enough password")
			c.page("/branding", 200, "How public pages look")

			var logo bytes.Buffer
			img := image.NewRGBA(image.Rect(0, 0, 4, 4))
			img.Set(1, 1, color.RGBA{200, 0, 0, 255})
			png.Encode(&logo, img)
			form := func() url.Values {
				return url.Values{"org_name": {"Anytown Council"}, "colour": {"#1d4d2b"}, "support_text": {"Contact us"},
					"support_url": {"https://anytown.example.gov/contact"}, "privacy_url": {"https://anytown.example.gov/privacy"},
					"accessibility_url": {"https://anytown.example.gov/accessibility"}, "default_lang": {"cy"}}
			}
			bad := form()
			bad.Set("colour", "#ffdd00")
			bad.Set("privacy_url", "javascript:alert(1)")
			code, body := c.postMultipart("/branding", bad, "logo", []byte("<html>not an image</html>"))
			for _, want := range []string{"white text on #ffdd00 has a contrast of 1.3:1", "privacy notice’s address starting with https://", "must be a PNG, JPEG or SVG"} {
				if code != 400 || !strings.Contains(body, want) {
					t.Fatalf("bad branding: %d, want %q in\n%s", code, want, body)
				}
			}
			if code, body := c.postMultipart("/branding", form(), "logo", logo.Bytes()); code != http.StatusSeeOther {
				t.Fatalf("branding: %d\n%s", code, body)
			}
			c.page("/services/"+svc.Slug+"/public", 200, "Public pages of")
			if code, body, _ := c.do("POST", "/services/"+svc.Slug+"/public", url.Values{"public_name": {"Apply for a parking permit"},
				"service_url": {"https://parking.example.gov/start"}, "default_lang": {""}}); code != http.StatusSeeOther {
				t.Fatalf("service branding: %d\n%s", code, body)
			}

			// The public, with no cookie: the survey opens in Welsh.
			public := newClient(t, srv.URL)
			survey := public.do
			code, body, _ = survey("GET", "/survey/"+svc.Slug, nil)
			for _, want := range []string{`<html lang="cy">`, "Anytown Council", `href="https://parking.example.gov/start">Apply for a parking permit</a>`,
				"Rhoi adborth am Apply for a parking permit", "Bodlon iawn", "Anfon adborth", `hreflang="en">English</a>`,
				`href="https://anytown.example.gov/accessibility">Datganiad hygyrchedd</a>`, `href="https://anytown.example.gov/contact">Contact us</a>`,
				`/brand.css?v=`, `/brand/logo?v=`} {
				if code != 200 || !strings.Contains(body, want) {
					t.Fatalf("Welsh survey: %d, want %q in\n%s", code, want, body)
				}
			}
			if strings.Contains(strings.ToLower(body), "liveops") || strings.Contains(body, "(internal)") {
				t.Fatalf("the survey names liveops or the internal name:\n%s", body)
			}
			code, body, _ = survey("POST", "/survey/"+svc.Slug+"?lang=cy", url.Values{"comment": {"x"}})
			if code != 400 || !strings.Contains(body, "Mae problem wedi codi") || !strings.Contains(body, "Dewiswch sut oeddech") || !strings.Contains(body, "<title>Gwall: ") {
				t.Fatalf("Welsh survey error: %d\n%s", code, body)
			}
			code, _, h := survey("POST", "/survey/"+svc.Slug+"?lang=cy", url.Values{"rating": {"5"}})
			if code != http.StatusSeeOther || h.Get("Location") != "/survey/"+svc.Slug+"/thanks?lang=cy" {
				t.Fatalf("Welsh survey: %d to %q", code, h.Get("Location"))
			}
			code, body, _ = survey("GET", h.Get("Location"), nil)
			if code != 200 || !strings.Contains(body, "Diolch am eich adborth") || !strings.Contains(body, `href="https://parking.example.gov/start">Yn ôl i Apply for a parking permit`) {
				t.Fatalf("Welsh thanks: %d\n%s", code, body)
			}
			// The switch gives English.
			code, body, _ = survey("GET", "/survey/"+svc.Slug+"?lang=en", nil)
			if code != 200 || !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Give feedback on Apply for a parking permit") || !strings.Contains(body, `hreflang="cy">Cymraeg</a>`) {
				t.Fatalf("English survey: %d\n%s", code, body)
			}
			code, body, _ = survey("GET", "/feedback/thanks?domain=parking.example.gov&url="+url.QueryEscape("https://parking.example.gov/apply"), nil)
			if code != 200 || !strings.Contains(body, "Yn ôl i’r dudalen roeddech arni") || !strings.Contains(body, "Anytown Council") {
				t.Fatalf("no-script thanks: %d\n%s", code, body)
			}
			// Performance pages carry the organisation's name, in Welsh
			// under the English public name while there is no Welsh one,
			// and in English by the switch.
			code, body, _ = survey("GET", "/performance/"+svc.Slug, nil)
			if code != 200 || !strings.Contains(body, "Anytown Council") || !strings.Contains(body, "<h1>Apply for a parking permit: perfformiad</h1>") ||
				!strings.Contains(body, `<html lang="cy">`) || !strings.Contains(body, `hreflang="en">English</a>`) {
				t.Fatalf("performance page: %d\n%s", code, body)
			}
			code, body, _ = survey("GET", "/performance/"+svc.Slug+"?lang=en", nil)
			if code != 200 || !strings.Contains(body, "<h1>Apply for a parking permit: performance</h1>") || !strings.Contains(body, `<html lang="en">`) {
				t.Fatalf("English performance page: %d\n%s", code, body)
			}
			code, body, _ = survey("GET", "/performance", nil)
			if code != 200 || !strings.Contains(body, "Anytown Council") || strings.Contains(body, "run your live service") ||
				!strings.Contains(body, `<a href="/performance/`+svc.Slug+`">Apply for a parking permit</a>`) || strings.Contains(body, "(internal)") {
				t.Fatalf("performance index: %d\n%s", code, body)
			}

			// With a Welsh name, the Welsh pages carry it; the English ones
			// keep the English.
			if code, body, _ := c.do("POST", "/services/"+svc.Slug+"/public", url.Values{"public_name": {"Apply for a parking permit"},
				"public_name_cy": {"Gwneud cais am drwydded barcio"}, "service_url": {"https://parking.example.gov/start"}, "default_lang": {""}}); code != http.StatusSeeOther {
				t.Fatalf("service branding: %d\n%s", code, body)
			}
			c.page("/services/"+svc.Slug+"/public", 200, `lang="cy" value="Gwneud cais am drwydded barcio"`)
			for path, want := range map[string]string{
				"/survey/" + svc.Slug:                   "Rhoi adborth am Gwneud cais am drwydded barcio",
				"/survey/" + svc.Slug + "/thanks":       "Yn ôl i Gwneud cais am drwydded barcio",
				"/performance/" + svc.Slug:              "<h1>Gwneud cais am drwydded barcio: perfformiad</h1>",
				"/performance":                          ">Gwneud cais am drwydded barcio</a>",
				"/performance/" + svc.Slug + "?lang=en": "<h1>Apply for a parking permit: performance</h1>",
				"/survey/" + svc.Slug + "?lang=en":      "Give feedback on Apply for a parking permit",
			} {
				if code, body, _ := survey("GET", path, nil); code != 200 || !strings.Contains(body, want) {
					t.Fatalf("%s: %d, want %q in\n%s", path, code, want, body)
				}
			}
			if code, body, _ := c.do("POST", "/services/"+svc.Slug+"/public", url.Values{"public_name_cy": {strings.Repeat("a", 121)}}); code != 400 ||
				!strings.Contains(body, "The public name in Welsh must be 120 characters or fewer") {
				t.Fatalf("long Welsh name: %d\n%s", code, body)
			}

			// The stylesheet and the logo.
			resp, err := http.Get(srv.URL + "/brand.css?v=1")
			if err != nil {
				t.Fatal(err)
			}
			css, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !strings.Contains(string(css), "--brand: #1d4d2b") || resp.Header.Get("Content-Type") != "text/css; charset=utf-8" {
				t.Fatalf("brand.css: %s %q", resp.Header, css)
			}
			resp, err = http.Get(srv.URL + "/brand/logo?v=1")
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !bytes.Equal(got, logo.Bytes()) || resp.Header.Get("Content-Type") != "image/png" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
				t.Fatalf("logo: %s", resp.Header)
			}
			if m := i18n.Missing(); len(m) > 0 {
				t.Fatalf("messages without a translation: %q", m)
			}
		})
	}
}
