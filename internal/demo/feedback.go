package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/feedback"
)

// The demo's feedback tells the same story as its traffic: the payment
// page fails now and then (most on phones), the eligibility page confuses,
// and the confirmation page pleases. Texts recur with small changes, so
// themes show, and a few carry personal data that the scrubber removes.

// usefulPages are the pages with "Is this page useful?", with the share of
// "yes" answers on each: the payment and eligibility pages do worst.
var usefulPages = []struct {
	path   string
	yes    float64
	weight int
}{
	{"/", 0.86, 18}, {"/start", 0.82, 14}, {"/eligibility", 0.48, 16}, {"/apply/details", 0.8, 8},
	{"/apply/vehicle", 0.71, 8}, {"/apply/payment", 0.38, 14}, {"/apply/confirmation", 0.93, 10},
	{"/renew", 0.84, 6}, {"/help/zones", 0.62, 6},
}

var improvements = []string{
	"I could not tell if my street is in a permit zone",
	"The eligibility rules are confusing for people with a company car",
	"The payment page timed out and I had to start again",
	"Card payment failed twice, tell people if the card was charged",
	"Say how long the permit takes to arrive",
	"The zone map does not work on my phone",
	"Explain what documents count as proof of address",
	"I wanted to pay by direct debit",
	"The vehicle registration was not found although it is correct",
	"Too much text, I just want to know the price",
}

var problems = []struct{ doing, wrong string }{
	{"Paying for my permit", "The payment page timed out after I entered my card details"},
	{"Paying for a visitor permit", "Card payment failed with an error and no reference number"},
	{"Entering my vehicle registration", "Vehicle registration not found, it is a new car"},
	{"Uploading proof of address", "The upload button did nothing on my phone"},
	{"Checking if I am eligible", "The postcode was not recognised, it is a new build"},
	{"Renewing my permit", "It asked me to sign in again and lost my answers"},
	{"Paying for my permit", "Payment failed and the page said to call 0300 123 4567 but nobody answers"},
	{"Trying to change my address", "There is no way to change the address on the permit, I emailed jane.doe@example.com"},
}

var satisfactionComments = map[int][]string{
	1: {"The payment kept failing and I gave up", "Far too long and the card payment failed"},
	2: {"Payment page timed out, had to phone in the end", "Confusing eligibility questions"},
	3: {"It worked but the eligibility part was confusing", "OK but slow on my phone"},
	4: {"Quick and easy apart from the payment page", "Clear questions, permit arrived fast"},
	5: {"Very quick, done in five minutes", "Much easier than the paper form", "Clear and simple, thank you"},
}

// staffNotes are what the contact centre and partners pass on.
var staffNotes = []struct {
	channel, givenBy, text string
}{
	{"phone", "applicant", "Caller could not complete payment online, card declined twice, paid by phone instead"},
	{"phone", "applicant", "Caller asked whether a company car is eligible, the eligibility page did not say"},
	{"email", "applicant", "Asked for a receipt for the permit payment, could not find it online"},
	{"partner", "adviser", "Clients without a smartphone struggle to upload proof of address"},
	{"in_person", "applicant", "Visited the office because the payment page timed out three times"},
	{"social_media", "member_of_the_public", "Complaint that the zone map does not load on mobile"},
}

// Feedback fills the service's last `days` days with feedback (about six
// a day: page ratings, problem reports, survey answers and staff-entered
// notes), dated through fb's clock, which it sets back to time.Now when it
// is done, and triages the older part of it. It returns how many items
// were stored.
func Feedback(ctx context.Context, fb *feedback.Feedback, svc *catalog.Service, now time.Time, days int, seed uint64) (int, error) {
	defer fb.SetClock(time.Now)
	r := rand.New(rand.NewPCG(seed, pcgStream+1))
	pages := make([]weighted[int], len(usefulPages))
	for i, p := range usefulPages {
		pages[i] = weighted[int]{p.weight, i}
	}
	pagePick := newChooser(pages)
	host := "parking.example.gov"
	if len(svc.Domains) > 0 {
		host = svc.Domains[0]
	}
	n := 0
	submit := func(at time.Time, in feedback.Input, staff bool) (int64, error) {
		fb.SetClock(func() time.Time { return at })
		if staff {
			it, err := fb.Enter(ctx, svc.ID, in)
			if err != nil {
				return 0, fmt.Errorf("demo feedback: %w", err)
			}
			n++
			return it.ID, nil
		}
		rc, err := fb.Submit(ctx, svc.ID, 0, in)
		if err != nil {
			return 0, fmt.Errorf("demo feedback: %w", err)
		}
		n++
		return rc.ID, nil
	}
	for d := days - 1; d >= 0; d-- {
		day := now.AddDate(0, 0, -d)
		at := func() time.Time {
			t := day.Add(-time.Duration(r.Int64N(int64(14 * time.Hour))))
			if t.After(now) {
				t = now
			}
			return t
		}
		var ids []int64
		var tags []string
		add := func(in feedback.Input, staff bool) error {
			id, err := submit(at(), in, staff)
			ids, tags = append(ids, id), append(tags, topic(in))
			return err
		}
		for range 2 + r.IntN(3) {
			p := usefulPages[pagePick.pick(r)]
			in := feedback.Input{Kind: "useful", URL: "https://" + host + p.path, Useful: "yes"}
			if r.Float64() >= p.yes {
				in.Useful = "no"
				if r.IntN(2) == 0 {
					in.Comment = improvements[r.IntN(len(improvements))]
				}
			}
			if err := add(in, false); err != nil {
				return n, err
			}
		}
		if r.IntN(3) > 0 {
			pr := problems[r.IntN(len(problems))]
			page := "/apply/payment"
			if r.IntN(3) == 0 {
				page = usefulPages[pagePick.pick(r)].path
			}
			if err := add(feedback.Input{Kind: "problem", URL: "https://" + host + page, Doing: pr.doing, Wrong: pr.wrong}, false); err != nil {
				return n, err
			}
		}
		for range 1 + r.IntN(3) {
			rating := []int{5, 5, 5, 4, 4, 4, 4, 3, 2, 1}[r.IntN(10)]
			in := feedback.Input{Kind: "satisfaction", Rating: strconv.Itoa(rating)}
			if r.IntN(2) == 0 {
				in.Comment = satisfactionComments[rating][r.IntN(len(satisfactionComments[rating]))]
			}
			if err := add(in, false); err != nil {
				return n, err
			}
		}
		if r.IntN(4) == 0 {
			s := staffNotes[r.IntN(len(staffNotes))]
			if err := add(feedback.Input{Kind: "comment", Channel: s.channel, GivenBy: s.givenBy, Comment: s.text}, true); err != nil {
				return n, err
			}
		}
		// The team has triaged what is over two weeks old.
		if d >= 14 {
			for i, id := range ids {
				status := []feedback.Status{feedback.StatusTriaged, feedback.StatusActioned, feedback.StatusNoAction}[r.IntN(3)]
				c := feedback.Change{Status: &status}
				if tags[i] != "" && status != feedback.StatusNoAction {
					c.AddTags = []string{tags[i]}
				}
				if _, err := fb.Update(ctx, svc.ID, id, c); err != nil {
					return n, fmt.Errorf("demo feedback: triage: %w", err)
				}
			}
		}
	}
	// Yesterday evening a burst of survey answers came from one network
	// within a minute; liveops held back what passed its first ten, for
	// the team to look at before they count in user satisfaction.
	burst := now.AddDate(0, 0, -1).Add(-3 * time.Hour)
	yes := true
	for i := range 4 {
		id, err := submit(burst.Add(time.Duration(i)*7*time.Second), feedback.Input{Kind: "satisfaction", Rating: "1"}, false)
		if err != nil {
			return n, err
		}
		if _, err := fb.Update(ctx, svc.ID, id, feedback.Change{Held: &yes}); err != nil {
			return n, fmt.Errorf("demo feedback: hold: %w", err)
		}
	}
	return n, nil
}

// topic is the tag the team gives an item in triage, by what it is about.
func topic(in feedback.Input) string {
	text := strings.ToLower(in.URL + " " + in.Comment + " " + in.Doing + " " + in.Wrong)
	for _, t := range []struct{ word, tag string }{
		{"pay", "payment"}, {"card", "payment"}, {"eligib", "eligibility"}, {"zone", "zones"},
		{"upload", "documents"}, {"proof", "documents"}, {"vehicle", "vehicle-lookup"},
	} {
		if strings.Contains(text, t.word) {
			return t.tag
		}
	}
	return ""
}
