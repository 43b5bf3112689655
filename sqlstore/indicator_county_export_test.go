package sqlstore

// CachedIndicator reports whether the cache holds a measure for id.
func (s *IndicatorStore) CachedIndicator(id string) bool {
	s.cache.mu.RLock()
	defer s.cache.mu.RUnlock()
	return s.cache.byID[id] != nil
}
