#!/usr/bin/env python3
"""Placeholder: tenant CLI tests (issue 3)."""
import sys
print("0 passed, 0 failed")
sys.exit(1)
