-- Who on the team an item of feedback is assigned to (issue 12), NULL for
-- nobody. Deleting the user leaves their items unassigned; the audit log
-- keeps who had them.
ALTER TABLE feedback ADD COLUMN assignee_id BIGINT REFERENCES users (id) ON DELETE SET NULL;
-- The inbox's "assigned to me", "to this person" and "unassigned" read in
-- its order (NULL is a value like any other here), and deleting a user
-- finds their items, from one index.
CREATE INDEX feedback_assignee ON feedback (assignee_id, service_id, created_at DESC, id DESC);
