// src/match/matcher.cpp
