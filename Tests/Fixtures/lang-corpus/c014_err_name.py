# Ends with NameError for a misspelled name.
learning_rate = 0.1
print(learning_rate)
print(learning_rat)
