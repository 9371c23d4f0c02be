// The public headers compile as C++ and link from C++.
#include <autolic.h>
#include <cstdio>
#include <memory>

struct db_closer {
	void operator()(autolic_db *db) const { autolic_db_close(db); }
};

int main()
{
	autolic_db *raw = nullptr;
	if (autolic_db_open(&raw, nullptr) != AUTOLIC_OK)
		return 1;
	std::unique_ptr<autolic_db, db_closer> db(raw);
	char email[AUTOLIC_EMAIL_MAX + 1];
	if (autolic_email_normalize("Cxx@Example.COM", email, sizeof email) != AUTOLIC_OK)
		return 1;
	std::printf("C++ consumer: %s\n", email);
	return 0;
}
