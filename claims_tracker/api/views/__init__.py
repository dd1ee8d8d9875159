"""DRF views, one class per action (`<Entity><Action>Api`), split by what they serve."""
