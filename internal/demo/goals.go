package demo

import (
	"context"
	"fmt"

	"github.com/liveops/liveops/internal/goals"
)

// FunnelName is the demo's application funnel, its main transaction.
const FunnelName = "Apply for a permit"

// Goals sets up the goals the demo traffic reaches and its application
// funnel, FunnelName, from the start page to the confirmation.
func Goals(ctx context.Context, g *goals.Goals, serviceID int64) error {
	var steps []int64
	for _, path := range []string{"/start", "/eligibility", "/apply/details", "/apply/vehicle", "/apply/payment", "/apply/confirmation"} {
		goal, err := g.CreateGoal(ctx, serviceID, goals.GoalInput{GoalType: goals.KindPage, PagePath: path})
		if err != nil {
			return fmt.Errorf("demo goal %s: %w", path, err)
		}
		steps = append(steps, goal.ID)
	}
	for _, name := range []string{"Application submitted", "Payment failed", "File Download"} {
		if _, err := g.CreateGoal(ctx, serviceID, goals.GoalInput{GoalType: goals.KindEvent, EventName: name}); err != nil {
			return fmt.Errorf("demo goal %s: %w", name, err)
		}
	}
	if _, err := g.CreateFunnel(ctx, serviceID, goals.FunnelInput{Name: FunnelName, Steps: steps}); err != nil {
		return fmt.Errorf("demo funnel: %w", err)
	}
	return nil
}
