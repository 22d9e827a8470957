package web

import (
	"fmt"
	"net/http"
	"strings"
)

// CSVDownload sets the headers of a CSV file of a service's data to save:
// never kept by a browser or a shared cache, as the pages it comes from
// are not.
func CSVDownload(w http.ResponseWriter, filename string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, filename))
	w.Header().Set("Cache-Control", "no-store")
}

// CSVCell keeps a spreadsheet from reading a cell as a formula: a text
// starting with = + - @ or a tab or carriage return is written with a
// quote before it (OWASP's CSV injection guidance).
func CSVCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
