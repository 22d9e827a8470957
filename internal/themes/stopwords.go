package themes

import (
	_ "embed"
	"strings"
)

//go:embed data/stopwords.txt
var stopWordsTxt string

// stopWords is the set of words that are never themes. It is built once at
// start-up and only read after that.
var stopWords = parseStopWords(stopWordsTxt)

// parseStopWords reads one word a line, skipping blank lines and lines
// starting with #.
func parseStopWords(txt string) map[string]struct{} {
	set := make(map[string]struct{}, 400)
	for line := range strings.Lines(txt) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			set[line] = struct{}{}
		}
	}
	return set
}
