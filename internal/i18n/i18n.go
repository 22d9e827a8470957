// Package i18n translates the pages the public sees (surveys, thank-you
// pages, performance pages) from English into the languages a service
// offers. Messages are keyed by their English text, as gettext does, so a
// page reads as English in its template and a missing translation falls
// back to English rather than to a key; the catalogue test fails on any
// message a page uses that a language lacks.
package i18n

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Lang is a language public pages can be shown in.
type Lang struct {
	Code string // BCP 47, as the lang attribute takes it
	Name string // in the language itself, for the switch
}

// The languages' codes: English is the language pages are written in.
const (
	English = "en"
	Welsh   = "cy"
)

// Langs are the languages there are catalogues for, English first.
var Langs = []Lang{{English, "English"}, {Welsh, "Cymraeg"}}

var catalogues = map[string]map[string]string{Welsh: welsh}

// Supported reports whether code is one of Langs.
func Supported(code string) bool {
	return slices.ContainsFunc(Langs, func(l Lang) bool { return l.Code == code })
}

var (
	missingMu sync.Mutex
	missing   = map[string]bool{}
)

// T translates msg into lang and, with args, formats it with fmt.Sprintf
// (the catalogue keeps the verbs). An unknown language or message gives
// the English.
func T(lang, msg string, args ...any) string {
	out := msg
	if cat, ok := catalogues[lang]; ok {
		if tr, ok := cat[msg]; ok {
			out = tr
		} else {
			missingMu.Lock()
			missing[lang+": "+msg] = true
			missingMu.Unlock()
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(out, args...)
	}
	return out
}

// Missing lists, sorted, the messages asked for in a language whose
// catalogue lacks them since the process started: tests render every
// public page in every language and require it empty.
func Missing() []string {
	missingMu.Lock()
	defer missingMu.Unlock()
	var out []string
	for m := range missing {
		out = append(out, m)
	}
	slices.Sort(out)
	return out
}

// months are the months' names in each language but English, in full and
// short, January first.
var months = map[string][2][12]string{Welsh: welshMonths}

// Date writes t with the time package's layout in lang: the month's name
// ("January" or "Jan" in the layout) in the language, the rest as laid out.
// An unknown language gives the English.
func Date(lang string, t time.Time, layout string) string {
	s := t.Format(layout)
	names, ok := months[lang]
	if !ok {
		return s
	}
	m := t.Month() - 1
	switch {
	case strings.Contains(layout, "January"):
		return strings.Replace(s, t.Month().String(), names[0][m], 1)
	case strings.Contains(layout, "Jan"):
		return strings.Replace(s, t.Month().String()[:3], names[1][m], 1)
	}
	return s
}
