package demo

import (
	"math/rand/v2"
	"time"
)

// baseVisitors is an ordinary Monday's visitors 90 days ago, before growth.
const baseVisitors = 520

// weekdayFactor shapes the week, Sunday first: people apply for permits on
// working days, most on Tuesdays, and far fewer at weekends.
var weekdayFactor = [7]float64{0.50, 1.10, 1.15, 1.10, 1.04, 0.90, 0.45}

// Hourly weights of visit starts in the service's time zone.
var (
	// weekdayHours: a morning peak from 9, another at lunchtime, a smaller
	// one in the evening, quiet nights.
	weekdayHours = [24]int{3, 2, 1, 1, 1, 3, 8, 18, 34, 44, 42, 40, 46, 44, 36, 33, 30, 26, 24, 27, 28, 22, 13, 7}
	// weekendHours start later and are flatter.
	weekendHours = [24]int{5, 3, 2, 1, 1, 1, 3, 7, 14, 24, 32, 35, 34, 31, 28, 26, 24, 21, 20, 24, 26, 21, 13, 8}
	// emailHours: the reminder goes out at 08:00; most open it soon after.
	emailHours = [24]int{1, 1, 1, 1, 1, 1, 1, 1, 30, 40, 28, 20, 22, 16, 12, 10, 9, 8, 9, 10, 10, 7, 4, 2}
	// socialHours: people scroll social media in the evening.
	socialHours = [24]int{4, 2, 1, 1, 1, 2, 5, 10, 16, 18, 18, 19, 24, 22, 18, 18, 19, 22, 28, 36, 40, 36, 22, 10}
)

// calendar says how many visitors come on a day, and from which campaign.
// Days are numbered from 1970-01-01 in the service's time zone.
type calendar struct {
	today      int
	emails     [2]int // days the renewal reminder was sent (Tuesdays)
	socialFrom int    // first day of the week of paid social ads (a Monday)
}

func newCalendar(now time.Time) calendar {
	today := dayNumber(now)
	return calendar{
		today:      today,
		emails:     [2]int{onOrAfter(today-54, time.Tuesday), onOrAfter(today-12, time.Tuesday)},
		socialFrom: onOrAfter(today-40, time.Monday),
	}
}

// organic is the visitors who come by themselves: the weekly pattern, slow
// growth as the service replaces paper forms (+45 % over 90 days), noise.
func (c calendar) organic(day int, r *rand.Rand) int {
	age := float64(c.today - day)
	growth := 1 + 0.45*max(0, 1-age/90)
	noise := min(max(1+0.07*r.NormFloat64(), 0.8), 1.2)
	return int(baseVisitors*growth*weekdayFactor[weekday(day)]*noise + 0.5)
}

// newsletter is the visitors the "renewal-reminder" email brings: most on
// the day it is sent, a tail over the next two.
func (c calendar) newsletter(day int) int {
	for _, sent := range c.emails {
		switch day - sent {
		case 0:
			return 640
		case 1:
			return 170
		case 2:
			return 45
		}
	}
	return 0
}

// paidSocial is the visitors the week-long "spring-parking" ads bring.
func (c calendar) paidSocial(day int) int {
	if day >= c.socialFrom && day < c.socialFrom+7 {
		return 160
	}
	return 0
}

// dayNumber is t's date, in t's location, as days since 1970-01-01.
func dayNumber(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// weekday of a day number: 1970-01-01 was a Thursday.
func weekday(day int) time.Weekday { return time.Weekday((day%7 + 7 + 4) % 7) }

// onOrAfter is the first day from day on that falls on wd.
func onOrAfter(day int, wd time.Weekday) int {
	return day + (int(wd)-int(weekday(day))+7)%7
}
