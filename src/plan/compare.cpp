// src/plan/compare.cpp
