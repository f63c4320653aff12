// tenant onboarding (filled in by issue 3 work)
#include <certplan/tenant.hpp>
