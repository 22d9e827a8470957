package themes

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// benchVocabulary is what benchmark texts are made of, drawn with a Zipf
// distribution so that the first words are the most common, as in real
// feedback: stop words first, then the words of service feedback.
var benchVocabulary = strings.Fields(`
	the i to and a was it of my for in on that is not but this with be have
	could couldnt pay card payment page would you can we it's didn't
	booking appointment time online website council tax bill account sign login
	error message failed timed out again tried three times phone number email
	address postcode find parking permit renewal licence application form
	submit button working slow easy quick helpful staff service simple clear
	confusing difficult frustrating waiting weeks days hours refund charged
	twice wrong amount reference code letter document upload photo passport
	driving test check status update password reset link expired mobile app
	crashed screen loading back next continue option missing date calendar
	available slots cancel change details name bank direct debit monthly
	annual fee cost expensive free cheap help support contact chat call centre
	queue hold answer response reply received confirmation receipt download
	print pdf copy record history previous year benefit claim universal credit
	housing repair report noise bin collection missed recycling garden waste
	road pothole street light school place admission nursery library renew
	books opening hours closed weekend holiday accessibility screen reader
	font size colour contrast language welsh translation whānau café über
`)

// benchTexts makes n texts of about 150 characters, the same every run.
func benchTexts(seed uint64, n int) []string {
	r := rand.New(rand.NewPCG(seed, 2))
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(benchVocabulary)-1))
	punct := []string{" ", " ", " ", " ", " ", " ", ", ", ". ", "! ", " - "}
	texts := make([]string, n)
	var b strings.Builder
	for i := range texts {
		b.Reset()
		for b.Len() < 150 {
			if b.Len() > 0 {
				b.WriteString(punct[r.IntN(len(punct))])
			}
			b.WriteString(benchVocabulary[zipf.Uint64()])
		}
		texts[i] = b.String()
	}
	return texts
}

// BenchmarkTop is a busy service's period: 100,000 comments of about 150
// characters, and as many in the previous period.
func BenchmarkTop(b *testing.B) {
	cur, prev := benchTexts(1, 100_000), benchTexts(2, 100_000)
	for b.Loop() {
		words, phrases := Top(cur, prev, 20)
		if len(words) != 20 || len(phrases) != 20 {
			b.Fatalf("got %d words and %d phrases", len(words), len(phrases))
		}
	}
}

// BenchmarkTopNoPrevious is BenchmarkTop without a previous period.
func BenchmarkTopNoPrevious(b *testing.B) {
	cur := benchTexts(1, 100_000)
	for b.Loop() {
		Top(cur, nil, 20)
	}
}

// BenchmarkNormalize is the cost the inbox pays on writing a comment.
func BenchmarkNormalize(b *testing.B) {
	texts := benchTexts(3, 1000)
	for i := 0; b.Loop(); i++ {
		Normalize(texts[i%len(texts)])
	}
}

func BenchmarkTerms(b *testing.B) {
	texts := benchTexts(3, 1000)
	for i := 0; b.Loop(); i++ {
		Terms(texts[i%len(texts)])
	}
}
