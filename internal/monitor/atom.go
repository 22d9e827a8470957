package monitor

import (
	"encoding/xml"
	"net/http"
	"slices"
	"strconv"
)

// The incident history as an Atom 1.0 feed (RFC 4287): one entry per
// update of an incident, newest first, so that a feed reader shows each
// step of an incident as it is posted.

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomEntry struct {
	ID        string   `xml:"id"`
	Title     string   `xml:"title"`
	Updated   string   `xml:"updated"`
	Published string   `xml:"published"`
	Link      atomLink `xml:"link"`
	Content   atomText `xml:"content"`
}

// statusAtom answers /status/{slug}/history.atom.
func (m *Monitor) statusAtom(w http.ResponseWriter, r *http.Request) error {
	p, err := m.readPublic(r, false)
	if err != nil {
		return err
	}
	s := p.Service
	url := pageURL(r, s)
	feed := atomFeed{Lang: "en", ID: url + "/history.atom", Title: s.Name + ": incident history", Updated: spTime(p.Updated),
		Links:  []atomLink{{Rel: "self", Type: "application/atom+xml", Href: url + "/history.atom"}, {Rel: "alternate", Type: "text/html", Href: url}},
		Author: atomPerson{Name: s.Name, URI: url}}
	words := words{lang: "en", zone: s.Location()}
	type entry struct {
		in *Incident
		u  Update
	}
	var all []entry
	for _, in := range p.Incidents {
		for _, u := range in.Updates {
			all = append(all, entry{in, u})
		}
	}
	// Newest first across incidents: each incident's updates are already.
	slices.SortStableFunc(all, func(a, b entry) int { return b.u.At.Compare(a.u.At) })
	for _, e := range all {
		link := url + "#incident-" + strconv.FormatInt(e.in.ID, 10)
		feed.Entries = append(feed.Entries, atomEntry{ID: link + "-update-" + strconv.FormatInt(e.u.ID, 10),
			Title:   e.in.Title + ": " + words.t(updateStatusWords[e.u.Status]),
			Updated: spTime(e.u.At), Published: spTime(e.u.At), Link: atomLink{Rel: "alternate", Type: "text/html", Href: link},
			Content: atomText{Type: "text", Text: e.u.Body}})
		if feed.Updated < spTime(e.u.At) {
			feed.Updated = spTime(e.u.At)
		}
	}
	body, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return err
	}
	serveCached(w, r, statusMaxAge, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), append(body, '\n')...))
	return nil
}
