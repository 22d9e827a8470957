package analytics

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// The journal (internal/journal) keeps each accepted request's events, as
// the handler built them, until the database has them. One record is one
// request: the events it made for each of its sites, accepted whole.

// journalVersion 2 added the visit's region and city (version 1 records,
// written before, are still read).
const journalVersion = 2

// encodeEvents writes evs as one journal record.
func encodeEvents(evs []*Event) []byte {
	b := make([]byte, 0, 256*len(evs))
	b = append(b, journalVersion)
	b = binary.AppendUvarint(b, uint64(len(evs)))
	for _, ev := range evs {
		b = binary.AppendVarint(b, ev.ServiceID)
		b = appendString(b, ev.Zone.String())
		b = binary.AppendVarint(b, ev.Time.UnixNano())
		b = binary.AppendVarint(b, ev.VisitorID)
		b = binary.AppendVarint(b, ev.PrevVisitorID)
		var flags byte
		if ev.Interactive {
			flags = 1
		}
		b = append(b, flags)
		b = binary.AppendVarint(b, int64(ev.ScrollDepth))
		b = binary.AppendVarint(b, ev.EngagedMS)
		v := &ev.Visit
		for _, s := range [...]string{ev.Name, ev.Page, ev.Hostname, ev.Props, ev.Revenue,
			v.Source, v.Referrer, v.Channel, v.UTMSource, v.UTMMedium, v.UTMCampaign, v.UTMTerm, v.UTMContent,
			v.Device, v.Browser, v.BrowserVersion, v.OS, v.OSVersion, v.Country,
			v.Region, v.City, v.CountryName, v.RegionName, v.CityName} {
			b = appendString(b, s)
		}
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

var errBadRecord = errors.New("malformed journal record")

// recordDecoder reads what encodeEvents wrote. It keeps the time zones it
// has loaded: a replay meets the same few again and again.
type recordDecoder struct {
	zones map[string]*time.Location
}

func (d *recordDecoder) decode(b []byte) ([]*Event, error) {
	r := reader{b: b}
	version := r.byte()
	if version != 1 && version != journalVersion {
		return nil, fmt.Errorf("%w: unknown version", errBadRecord)
	}
	n := r.uvarint()
	if r.err != nil || n > uint64(len(b)) {
		return nil, errBadRecord
	}
	evs := make([]*Event, 0, n)
	for range n {
		ev := &Event{ServiceID: r.varint()}
		zone := r.string()
		ev.Time = time.Unix(0, r.varint())
		ev.VisitorID, ev.PrevVisitorID = r.varint(), r.varint()
		ev.Interactive = r.byte() == 1
		ev.ScrollDepth, ev.EngagedMS = int(r.varint()), r.varint()
		v := &ev.Visit
		for _, s := range [...]*string{&ev.Name, &ev.Page, &ev.Hostname, &ev.Props, &ev.Revenue,
			&v.Source, &v.Referrer, &v.Channel, &v.UTMSource, &v.UTMMedium, &v.UTMCampaign, &v.UTMTerm, &v.UTMContent,
			&v.Device, &v.Browser, &v.BrowserVersion, &v.OS, &v.OSVersion, &v.Country} {
			*s = r.string()
		}
		if version >= 2 {
			for _, s := range [...]*string{&v.Region, &v.City, &v.CountryName, &v.RegionName, &v.CityName} {
				*s = r.string()
			}
		}
		if r.err != nil {
			return nil, r.err
		}
		loc, ok := d.zones[zone]
		if !ok {
			var err error
			if loc, err = time.LoadLocation(zone); err != nil {
				return nil, fmt.Errorf("%w: time zone %q: %w", errBadRecord, zone, err)
			}
			d.zones[zone] = loc
		}
		ev.Zone = loc
		evs = append(evs, ev)
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%w: %d bytes left over", errBadRecord, len(r.b))
	}
	return evs, nil
}

// reader takes values off a byte slice, remembering the first error.
type reader struct {
	b   []byte
	err error
}

func (r *reader) byte() byte {
	if len(r.b) == 0 {
		r.err = errBadRecord
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errBadRecord
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errBadRecord
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) string() string {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = errBadRecord
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}
