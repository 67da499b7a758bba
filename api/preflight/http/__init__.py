"""The HTTP API: parses requests, calls the engine, serialises results. Nothing more."""
