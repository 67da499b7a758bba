"""Learned checks: models trained on public labelled data, and the data's development split."""
