package kpi

import (
	"errors"
	"strconv"
	"strings"
)

// maxDecimal bounds the numbers users give (amounts in minor units, counts,
// targets in millionths): far beyond any real figure, and small enough that
// sums of years of them cannot overflow an int64.
const maxDecimal = 1_000_000_000_000_000 // 10^15

var (
	errNotNumber  = errors.New("not a number")
	errNegative   = errors.New("negative")
	errTooPrecise = errors.New("too many decimal places")
	errTooLarge   = errors.New("too large")
)

// parseDecimal reads a non-negative decimal such as "1234.5" exactly — no
// float on the way — as an integer count of 10^-places units ("1234.5" with
// 2 places is 123450). It refuses signs other than a leading minus (which
// it reports as errNegative), exponents, thousands separators, more than
// places decimals and values over maxDecimal units.
func parseDecimal(s string, places int) (int64, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "-") {
		if _, err := parseDecimal(s[1:], places); err == nil || errors.Is(err, errTooPrecise) || errors.Is(err, errTooLarge) {
			return 0, errNegative
		}
		return 0, errNotNumber
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" && frac == "" || dot && frac == "" || !digitsOnly(whole) || !digitsOnly(frac) {
		return 0, errNotNumber
	}
	if len(strings.TrimRight(frac, "0")) > places {
		return 0, errTooPrecise
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 18 {
		return 0, errTooLarge
	}
	frac = (frac + strings.Repeat("0", places))[:places]
	n, err := strconv.ParseInt("0"+whole+frac, 10, 64)
	if err != nil || n > maxDecimal {
		return 0, errTooLarge
	}
	return n, nil
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// formatDecimal writes n units of 10^-places as a decimal, without
// trailing zeros in the fraction: formatDecimal(123450, 2) is "1234.5".
func formatDecimal(n int64, places int) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	if places > 0 {
		if len(s) <= places {
			s = strings.Repeat("0", places-len(s)+1) + s
		}
		whole, frac := s[:len(s)-places], strings.TrimRight(s[len(s)-places:], "0")
		s = whole
		if frac != "" {
			s += "." + frac
		}
	}
	if neg {
		s = "-" + s
	}
	return s
}

// pow10 is 10^n for the small n of currency exponents and target scales.
func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// formatFixed writes n units of 10^-places with exactly places decimals:
// formatFixed(123450, 2) is "1234.50".
func formatFixed(n int64, places int) string {
	s := formatDecimal(n, places)
	if places == 0 {
		return s
	}
	whole, frac, _ := strings.Cut(s, ".")
	return whole + "." + frac + strings.Repeat("0", places-len(frac))
}
