package kpi

import (
	"math"
	"strconv"
	"strings"
)

// DefaultCurrency is the currency of a service whose settings name none.
const DefaultCurrency = "GBP"

// validCurrency reports whether s looks like an ISO 4217 code: three
// capital letters. liveops does not convert between currencies, so any
// such code will do.
func validCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// minorDigits is the number of decimal places of the currency's minor unit
// (ISO 4217's exponent): 2 for most, 0 for yen, 3 for dinars.
func minorDigits(currency string) int {
	switch currency {
	case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF":
		return 0
	case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
		return 3
	}
	return 2
}

// symbol is how pages write the currency before an amount: £, €, $, or
// the code and a space.
func symbol(currency string) string {
	switch currency {
	case "GBP":
		return "£"
	case "EUR":
		return "€"
	case "USD":
		return "$"
	}
	return currency + " "
}

// formatMoney writes an amount in the currency's major units, rounded to its
// minor unit, with thousands separated: £12,345.60.
func formatMoney(amount float64, currency string) string {
	places := minorDigits(currency)
	s := strconv.FormatFloat(math.Abs(amount), 'f', places, 64)
	whole, frac, _ := strings.Cut(s, ".")
	out := symbol(currency) + groupThousands(whole)
	if frac != "" {
		out += "." + frac
	}
	if amount < 0 && strings.Trim(s, "0.") != "" {
		out = "−" + out
	}
	return out
}

// groupThousands puts commas between groups of three digits.
func groupThousands(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	lead := len(digits) % 3
	if lead > 0 {
		b.WriteString(digits[:lead])
	}
	for i := lead; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// formatCount writes a count with thousands separated, and with one
// decimal when a monthly figure's share makes it fractional.
func formatCount(v float64) string {
	r := math.Round(v*10) / 10
	if r == math.Trunc(r) {
		return groupThousands(strconv.FormatInt(int64(r), 10))
	}
	whole, frac, _ := strings.Cut(strconv.FormatFloat(r, 'f', 1, 64), ".")
	return groupThousands(whole) + "." + frac
}

// formatPercent writes a fraction as a percentage with one decimal: 81.3%.
func formatPercent(v float64) string {
	return strconv.FormatFloat(math.Round(v*1000)/10, 'f', 1, 64) + "%"
}
