package scrub

import "testing"

func TestURLs(t *testing.T) {
	t.Parallel()
	runCases(t, urlCases)
}

var urlCases = []scrubCase{
	{"query and fragment", "https://example.gov/apply?email=a@b.com&ref=7#top", "https://example.gov/apply?[query]"},
	{"http", "http://example.gov/search?q=John+Smith", "http://example.gov/search?[query]"},
	{"fragment only", "https://example.gov/guide#section-2", "https://example.gov/guide#[query]"},
	{"uppercase scheme", "HTTPS://EXAMPLE.GOV/A?B=C", "HTTPS://EXAMPLE.GOV/A?[query]"},
	{"in a sentence", "I was on https://example.gov/apply?step=2&name=ann when it failed.", "I was on https://example.gov/apply?[query] when it failed."},
	{"parentheses", "(see https://example.gov/a?b=1)", "(see https://example.gov/a?[query])"},
	{"markdown link", "[here](https://example.gov/a?token=abc)", "[here](https://example.gov/a?[query])"},
	{"several", "https://a.example.gov/x?1 and https://b.example.gov/y?2", "https://a.example.gov/x?[query] and https://b.example.gov/y?[query]"},
	{"URL in a query", "https://example.gov/login?next=https://example.gov/a?b=c", "https://example.gov/login?[query]"},
	{"apostrophe in query", "https://example.gov/a?name=O'Brien", "https://example.gov/a?[query]"},
	{"quoted", `"https://example.gov/a?b=1"`, `"https://example.gov/a?[query]"`},
	{"IP host", "http://192.168.1.10:8080/admin?user=ann", "http://[ip]:8080/admin?[query]"},
	{"no query", "https://example.gov/apply/step-2", "https://example.gov/apply/step-2"},
	{"question after URL", "Is it https://example.gov/apply?", "Is it https://example.gov/apply?"},
	{"already scrubbed", "https://example.gov/a?[query]", "https://example.gov/a?[query]"},
	{"other scheme", "ftp://example.gov/a?b=c", "ftp://example.gov/a?b=c"},
	// Issue 11: credentials in an address, and bare addresses.
	{"user and password", "https://bob:hunter2@example.gov/x", "https://[login]@example.gov/x"},
	{"user only", "https://bob@example.gov/", "https://[login]@example.gov/"},
	{"password with at", "https://bob:p@ss@example.gov/x?y=1", "https://[login]@example.gov/x?[query]"},
	{"other scheme credentials", "ftp://bob:pw@files.example.gov/a", "ftp://[login]@files.example.gov/a"},
	{"at in path is not a login", "https://example.gov/users/@alice", "https://example.gov/users/@alice"},
	{"bare with path", "example.gov/reset?code=123&email=x", "example.gov/reset?[query]"},
	{"bare subdomain", "go to permits.example.gov/a?token=abc.", "go to permits.example.gov/a?[query]."},
	{"bare host only", "(example.gov.uk?ref=ann)", "(example.gov.uk?[query])"},
	{"bare www fragment", "www.example.gov/guide#me", "www.example.gov/guide#[query]"},
	{"bare without www fragment", "example.gov/guide#part-2", "example.gov/guide#part-2"},
	{"numeric tld is not a host", "v1.2/x?y=1", "v1.2/x?y=1"},
}
