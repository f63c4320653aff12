// tenant tests (issue 3)
#include "support.hpp"
