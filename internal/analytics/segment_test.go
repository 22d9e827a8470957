package analytics

import (
	"reflect"
	"testing"
)

func sampleDay() *colDay {
	d := &colDay{start: 1_780_000_000_000, end: 1_780_086_400_000}
	d.evTS = []int64{1_780_000_001_000, 1_780_000_002_500, 1_780_000_000_100}
	d.evRun = []int32{0, 0, 1}
	for i := range d.evIDs {
		d.evIDs[i] = []int32{int32(i + 1), 7, 0}
	}
	d.evProps, d.evEngaged, d.evScroll = []int32{-1, 0, 1}, []int64{-1, 1500, -1}, []int8{-1, 80, -1}
	d.props = []string{`{"plan":"pro"}`, `{"n":"2"}`}
	d.runVisitor, d.runSession = []int64{-5, 1 << 61}, []int64{42, -42}
	for i := range d.runIDs {
		d.runIDs[i] = []int32{int32(i), 1 << 30}
	}
	d.sesStart, d.sesEnd, d.sesVisitor, d.sesSession = []int64{1_780_000_000_100}, []int64{1_780_000_090_000}, []int64{1 << 61}, []int64{-42}
	d.sesPageviews, d.sesBounce = []int64{3}, []bool{true}
	for i := range d.sesIDs {
		d.sesIDs[i] = []int32{int32(i) * 3}
	}
	return d
}

// TestSegmentRoundTrip: a day decodes to what was encoded.
func TestSegmentRoundTrip(t *testing.T) {
	d := sampleDay()
	got, err := decodeDay(d.encode())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, d) {
		t.Fatalf("got %+v\nwant %+v", got, d)
	}
	empty := &colDay{start: 1, end: 2}
	if _, err := decodeDay(empty.encode()); err != nil {
		t.Fatalf("empty day: %v", err)
	}
}

// FuzzDecodeDay: a damaged segment is an error, never a panic or a day
// whose columns disagree.
func FuzzDecodeDay(f *testing.F) {
	f.Add(sampleDay().encode())
	f.Add((&colDay{}).encode())
	f.Add([]byte{segmentVersion, 0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := decodeDay(b)
		if err == nil && d.check() != nil {
			t.Fatal("decoded a day that does not check")
		}
	})
}
