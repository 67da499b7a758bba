"""From a submitted text to a Post: normalisation with an offset map, languages, tokens, hashtags, word forms."""
