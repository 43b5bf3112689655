package sqlstore

// HoldIntake occupies the intake writer, as a long batch would, until release is
// called, so a test can gather reports into one batch.
func (s *IntakeCaseService) HoldIntake() (release func()) {
	s.writing <- struct{}{}
	return func() { <-s.writing }
}

// PendingIntake counts the reports waiting for a batch.
func (s *IntakeCaseService) PendingIntake() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}
