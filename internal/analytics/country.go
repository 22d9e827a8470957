package analytics

//go:generate go run countries_gen.go

// countryName is an ISO 3166-1 alpha-2 code's English name, as CLDR gives
// it ("GB": "United Kingdom"); the code itself when it names no country.
func countryName(code string) string {
	if name, ok := countryNames[code]; ok {
		return name
	}
	return code
}

// countryFlag is a country's flag as the two regional indicator symbols of
// its code, for decoration: "" for anything but two capital letters.
func countryFlag(code string) string {
	if len(code) != 2 {
		return ""
	}
	var out []rune
	for _, c := range code {
		if c < 'A' || c > 'Z' {
			return ""
		}
		out = append(out, 0x1F1E6+c-'A')
	}
	return string(out)
}
