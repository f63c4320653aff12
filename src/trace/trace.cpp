// src/trace/trace.cpp
