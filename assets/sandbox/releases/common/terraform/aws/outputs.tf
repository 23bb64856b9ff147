output "s3_bucket_names" {
  description = "Names of the application buckets"
  value       = sort([for bucket in aws_s3_bucket.buckets : bucket.bucket])
}

output "dlm_policy_id" {
  description = "Data Lifecycle Manager policy of the MongoDB snapshots"
  value       = aws_dlm_lifecycle_policy.mongodb.id
}
