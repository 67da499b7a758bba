"""Rule packs and brand profiles: YAML written by policy owners, validated and compiled."""
